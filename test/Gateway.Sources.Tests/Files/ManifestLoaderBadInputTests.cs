// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Gateway.Model.Core;
using Gateway.Sources.Files;

namespace Gateway.Sources.Tests.Files;

/// <summary>Inputs that once crashed the process (issue 8): each must fail its file with a line and a clear message.</summary>
public sealed class ManifestLoaderBadInputTests
{
    /// <summary>The crashers, each inside an otherwise valid Namespace document (so only the bad part can fail it).</summary>
    public static TheoryData<string, string, string> Crashers => new()
    {
        { "kind is a number", "apiVersion: v1\nkind: 5\nmetadata:\n  name: a\n", "kind must be a string, not the number 5" },
        { "kind is a mapping", "apiVersion: v1\nkind: {a: b}\nmetadata:\n  name: a\n", "kind must be a string, not a mapping" },
        { "non-scalar key", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n? [a, b]\n: c\n", "mapping key must be a string" },
        { "empty metadata", "apiVersion: v1\nkind: Namespace\nmetadata:\n", "Namespace has no metadata" },
        { "first piece of a two-piece write", "apiVersion: v1\nkind: Namespace\nmetadata:", "Namespace has no metadata" },
        { "self-referencing alias", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\nx: &a [1, *a]\n", "alias *a is inside the node it refers to" },
        { "JSON nested 70 levels", Nested(70), "nested deeper than 64 levels" },
        { "anchor bomb, 9 levels", AnchorBomb(9), "excessive aliasing" },
        { "name is a number", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 5\n", "metadata.name must be a string, not the number 5" },
        { "no metadata", "apiVersion: v1\nkind: Namespace\n", "Namespace has no metadata" },
        { "metadata is a list", "apiVersion: v1\nkind: Namespace\nmetadata: [a]\n", "metadata must be a mapping, not a sequence" },
        { "empty name", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ''\n", "Namespace has no metadata.name" },
        { "duplicate key", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n", "mapping key \"name\" already defined" },
        { "alias to nothing", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: *nowhere\n", "has no anchor" },
        { "null list entry", "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  -\n", "spec.ports[0] is an empty list entry" },
        { "items is not a list", "apiVersion: v1\nkind: List\nitems: 5\n", "items must be a sequence" },
    };

    [Theory]
    [MemberData(nameof(Crashers))]
    public void Load_Crasher_FailsTheFileWithALineAndAClearMessage(string name, string text, string message)
    {
        var file = ManifestLoader.Load("bad.yaml", text);

        file.Objects.Should().BeEmpty(name);
        file.Error.Should().NotBeNull(name);
        file.Error!.Message.Should().Contain(message, name);
        file.Error.Line.Should().BePositive(name);
        file.Error.ToString().Should().StartWith("bad.yaml:", name);
    }

    [Fact]
    public void Load_AnchorBomb_IsRejectedBeforeMemoryGrows()
    {
        var bomb = AnchorBomb(9); // 10^9 nodes if expanded; about 1 KB of text.
        var before = GC.GetAllocatedBytesForCurrentThread();

        var file = ManifestLoader.Load("bomb.yaml", bomb);

        file.Error!.Message.Should().Contain("excessive aliasing");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(64L * 1024 * 1024, "the expansion is charged before it is made");
    }

    [Fact]
    public void Load_AliasesWithinTheLimit_AreExpanded()
    {
        const string yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: a
              labels: &labels
                team: shop
              annotations: *labels
            """;

        var file = ManifestLoader.Load("a.yaml", yaml);

        file.Error.Should().BeNull();
        file.Objects.Single().Object.Metadata.Annotations!["team"].Should().Be("shop");
    }

    [Fact]
    public void Load_ByteOrderMark_IsNotContent()
    {
        var file = ManifestLoader.Load("bom.yaml", "\uFEFFapiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n");

        file.Error.Should().BeNull();
        file.Objects.Single().Object.Metadata.Name.Should().Be("a");
    }

    [Fact]
    public void Load_NullFields_MeanLeftOut()
    {
        const string yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              name: a
              labels:
            spec:
              ports:
            """;

        var service = (V1Service)ManifestLoader.Load("a.yaml", yaml).Objects.Single().Object;

        service.Spec.Ports.IsDefault.Should().BeFalse("a null list reads as an empty one, which the translator can iterate");
        service.Spec.Ports.Should().BeEmpty();
    }

    [Fact]
    public void Load_ObjectOverTheSizeLimit_IsRejectedWithItsLine()
    {
        var big = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: "
            + new string('a', 2000) + "\n";

        var file = ManifestLoader.Load("big.yaml", big, ManifestLimits.Default with { MaxObjectBytes = 1000 });

        file.Error!.Line.Should().Be(6);
        file.Error.Message.Should().Contain("larger than the 1000-byte limit");
    }

    [Fact]
    public void Load_ListItemOverTheSizeLimit_IsRejectedWithItsLine()
    {
        var list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n"
            + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: big\n  data:\n    x: " + new string('a', 2000) + "\n";

        var file = ManifestLoader.Load("list.yaml", list, ManifestLimits.Default with { MaxObjectBytes = 1000 });

        file.Error!.Line.Should().Be(8);
        file.Error.Message.Should().Contain("larger than the 1000-byte limit");
    }

    [Fact]
    public void Load_TooManyObjects_IsRejected()
    {
        var text = string.Join("---\n", Enumerable.Range(0, 4).Select(i => $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n{i}\n"));

        ManifestLoader.Load("many.yaml", text, ManifestLimits.Default with { MaxObjects = 3 }).Error!.Message
            .Should().Contain("more than 3 objects in one file");
        ManifestLoader.Load("many.yaml", text, ManifestLimits.Default with { MaxObjects = 4 }).Objects.Should().HaveCount(4);
    }

    [Fact]
    public void Load_FileOverTheSizeLimit_IsRejected()
    {
        var file = ManifestLoader.Load("big.yaml", new string('#', 200), ManifestLimits.Default with { MaxFileBytes = 100 });

        file.Error!.Message.Should().Contain("larger than the 100-byte limit");
    }

    /// <summary>A Namespace whose unknown field <c>x</c> holds JSON arrays nested <paramref name="levels"/> deep.</summary>
    internal static string Nested(int levels) =>
        """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"x":""" + new string('[', levels) + new string(']', levels) + "}";

    /// <summary>"Billion laughs": each level is a list of ten aliases of the level before.</summary>
    internal static string AnchorBomb(int levels)
    {
        var text = new StringBuilder("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\nl0: &l0 [lol]\n");
        for (var level = 1; level <= levels; level++)
        {
            var previous = $"*l{level - 1}";
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat(previous, 10))}]\n");
        }

        return text.ToString();
    }
}
