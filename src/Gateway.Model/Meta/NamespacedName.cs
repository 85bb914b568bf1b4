// SPDX-License-Identifier: Apache-2.0
namespace Gateway.Model.Meta;

public readonly record struct NamespacedName(string Namespace, string Name) : IComparable<NamespacedName>
{
    public int CompareTo(NamespacedName other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
