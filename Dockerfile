# syntax=docker/dockerfile:1
# Build: docker build -t gateway .
# Run the quick start: docker run --rm -p 8080:8080 -p 9901:9901 gateway demo --admin-address 0.0.0.0

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the package layer is cached across source edits.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Directory.Build.props src/
COPY src/Gateway/Gateway.csproj src/Gateway/
COPY src/Gateway.Model/Gateway.Model.csproj src/Gateway.Model/
COPY src/Gateway.Snapshot/Gateway.Snapshot.csproj src/Gateway.Snapshot/
COPY src/Gateway.Translation/Gateway.Translation.csproj src/Gateway.Translation/
COPY src/Gateway.Sources/Gateway.Sources.csproj src/Gateway.Sources/
COPY src/Gateway.Proxy/Gateway.Proxy.csproj src/Gateway.Proxy/
# ReadyToRun (precompiled) assemblies start faster: measured cold start to the first answer 0.73-0.96 s instead of
# 1.1 s at 10 routes, 2.05 s instead of 2.4-3.6 s at 10,000, for about 4 MB more memory; hot code is still
# recompiled by the JIT, so throughput is unchanged. They need a runtime identifier: the image's architecture.
ARG TARGETARCH
RUN echo "linux-$([ "${TARGETARCH:-amd64}" = arm64 ] && echo arm64 || echo x64)" > /rid
RUN dotnet restore src/Gateway/Gateway.csproj -r "$(cat /rid)"
COPY src/ src/
# The quick-start example is embedded in the binary for `gateway demo`.
COPY deploy/examples/standalone/ deploy/examples/standalone/
RUN dotnet publish src/Gateway/Gateway.csproj --no-restore -c Release -r "$(cat /rid)" --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV PATH="/app:${PATH}"
# The image's unprivileged user; listeners on ports below 1024 need NET_BIND_SERVICE granted at run time.
USER $APP_UID
EXPOSE 8080 9901
ENTRYPOINT ["gateway"]
