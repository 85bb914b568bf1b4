// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Gateway.Sources.Files;

/// <summary>
/// Reads one manifest file with a byte cap that holds whatever the path is. File.ReadAllText trusts the size the
/// file system reports, and a FIFO, /dev/zero or a /proc file reports 0: a named pipe called x.yaml blocked the
/// directory source in open() until something wrote to it, and a link to /dev/zero grew the process until it died.
/// </summary>
internal static class ManifestFileReader
{
    /// <summary>The file's text (a byte-order mark selects the encoding, else UTF-8), or null when it holds more than maxBytes.</summary>
    /// <exception cref="IOException">Unreadable (including FileNotFoundException and DirectoryNotFoundException).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static string? Read(string path, long maxBytes)
    {
        using var handle = OpenWithoutWaiting(path);
        using var file = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = file.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        using var text = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return text.ReadToEnd();
    }

    /// <summary>
    /// Opens for reading with O_NONBLOCK on Linux, so a FIFO opens at once (and reads as empty with no writer, or fails
    /// with EAGAIN: a problem for that file, never a stuck source). On a regular file the flag changes nothing.
    /// </summary>
    private static SafeFileHandle OpenWithoutWaiting(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        var descriptor = Open(path, ReadOnly | NonBlocking | CloseOnExec);
        if (descriptor < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            var message = $"{Marshal.GetPInvokeErrorMessage(error)} : '{path}'";
            throw error switch
            {
                NoSuchEntry => new FileNotFoundException(message, path),
                NotADirectory => new DirectoryNotFoundException(message),
                AccessDenied or NotPermitted => new UnauthorizedAccessException(message),
                _ => new IOException(message, error),
            };
        }

        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    // Linux open(2) flags and errno values; the same on x86-64 and arm64.
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int NotPermitted = 1;
    private const int NoSuchEntry = 2;
    private const int AccessDenied = 13;
    private const int NotADirectory = 20;

    // DllImport, not LibraryImport: that generator needs unsafe code (see DescriptorLimit in Gateway.Proxy).
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
