using GrowthBook.FeatureManagement.Conditions;
using GrowthBook.FeatureManagement.Json;

namespace GrowthBook.FeatureManagement.Payload;

/// <summary>
/// A rule's or an experiment's members, by <see cref="Member"/>, with GrowthBook's typed reads (<see cref="JsRead"/>).
/// Read from the payload's text (<see cref="StreamedMembers"/>), an object's or array's value is built only when asked
/// for, and its text is at hand for sharing what it compiles to; read from a built object (<see cref="ObjectMembers"/>),
/// there is no text.
/// </summary>
internal abstract class JsonMembers
{
    /// <summary>The member's value (built, when it is an object or an array); false when absent.</summary>
    public abstract bool TryGetValue(Member member, out JsValue value);

    /// <summary>The member's type (<see cref="JsType.Null"/> when absent), without building its value.</summary>
    public abstract JsType TypeOf(Member member);

    /// <summary>Whether the member is present (even as null).</summary>
    public abstract bool Contains(Member member);

    /// <summary>
    /// The member's JSON text as it appears in the payload, when known; empty otherwise. It is a part of the text being
    /// compiled, which stays unchanged until the compilation ends (so a <see cref="TextTable{T}"/> may keep it as a key).
    /// </summary>
    public virtual ReadOnlyMemory<byte> Json(Member member) => default;

    /// <summary>
    /// The condition in the member, when it was compiled as it was read (<see cref="ConditionCompiler.CompileAsRead"/>);
    /// null otherwise.
    /// </summary>
    public virtual SharedCondition? CompiledCondition(Member member) => null;

    public JsValue this[Member member] => TryGetValue(member, out var value) ? value : JsValue.Null;

    /// <summary>JavaScript truthiness of the member; objects and arrays are not built to tell.</summary>
    public bool IsTruthy(Member member) => TypeOf(member) switch
    {
        JsType.Null => false,
        JsType.Array or JsType.Object => true,
        _ => this[member].IsTruthy,
    };

    public string? TruthyString(Member member) => JsRead.TruthyString(this[member], MemberNames.Of(member));

    public double? Number(Member member) => JsRead.Number(TryGetValue(member, out var value), value, MemberNames.Of(member));

    public int? TruthyInt(Member member) => JsRead.TruthyInt(this[member], MemberNames.Of(member));

    public int? Int(Member member) => JsRead.Int(this[member], MemberNames.Of(member));

    public JsValue[]? TruthyArray(Member member) => JsRead.TruthyArray(this[member], MemberNames.Of(member));
}

/// <summary>The members of a built JSON object.</summary>
internal sealed class ObjectMembers(JsObject source) : JsonMembers
{
    public override bool TryGetValue(Member member, out JsValue value) => source.TryGetValue(MemberNames.Of(member), out value);

    public override JsType TypeOf(Member member) => this[member].Type;

    public override bool Contains(Member member) => source.ContainsKey(MemberNames.Of(member));
}
