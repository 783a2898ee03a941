#:property PublishAot=false
// Usage: dotnet run .ci/numsharp-api-check.cs -- Keras.Preprocessing.Memory.dll NumSharp.dll
// Lists every NumSharp member the library's compiled IL references (its MemberRef rows) that the given NumSharp.dll
// lacks, with the methods that call it, and fails if any is called outside NumSharpCompat's guarded *Direct helpers
// (those run only when the loaded NumSharp has them). A signature change between NumSharp versions is a
// MissingMethodException at run time; this finds every one without having to reach it.
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Reflection.Metadata.Ecma335;
using System.Collections.Immutable;

var target = args[0];
var numsharp = Assembly.LoadFile(args[1]);
using var fs = File.OpenRead(target);
using var pe = new PEReader(fs);
var md = pe.GetMetadataReader();
var prov = new SigProvider();
int missing = 0;
foreach (var h in md.MemberReferences)
{
    var mr = md.GetMemberReference(h);
    string? typeName = ParentName(md, mr.Parent);
    if (typeName == null || !typeName.StartsWith("NumSharp")) continue;
    string name = md.GetString(mr.Name);
    string sig;
    if (mr.GetKind() == MemberReferenceKind.Method)
    {
        var s = mr.DecodeMethodSignature(prov, null);
        sig = $"{s.ReturnType} {typeName}::{name}({string.Join(", ", s.ParameterTypes)})";
    }
    else sig = $"{mr.DecodeFieldSignature(prov, null)} {typeName}::{name}";
    var t = numsharp.GetType(typeName.Split('<')[0]);
    bool found = false;
    if (t != null)
    {
        foreach (var m in t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
        {
            if (m.Name != name) continue;
            string candidate = m switch
            {
                MethodBase mb => $"{(mb is MethodInfo mi ? Fmt(mi.ReturnType) : "System.Void")} {typeName}::{name}({string.Join(", ", mb.GetParameters().Select(p => Fmt(p.ParameterType)))})",
                FieldInfo f => $"{Fmt(f.FieldType)} {typeName}::{name}",
                _ => "",
            };
            if (candidate == sig) { found = true; break; }
        }
    }
    string users = Users(md, pe, MetadataTokens.GetToken(h));
    // NumSharpCompat.*Direct are only called when the loaded NumSharp has exactly those members.
    if (!found && users.Split(", ").All(u => u.StartsWith("NumSharpCompat.") && u.EndsWith("Direct"))) { Console.WriteLine("guarded " + sig); continue; }
    if (!found) { missing++; Console.WriteLine("MISSING " + sig + "  in " + Users(md, pe, MetadataTokens.GetToken(h))); }
}
Console.WriteLine($"{missing} unguarded NumSharp member references missing from {args[1]}");
return missing == 0 ? 0 : 1;

static string Fmt(Type t) => t.IsGenericParameter ? (t.DeclaringMethod != null ? "!!" + t.GenericParameterPosition : "!" + t.GenericParameterPosition) : t.IsByRef ? Fmt(t.GetElementType()!) + "&" : t.IsPointer ? Fmt(t.GetElementType()!) + "*" : t.IsArray ? Fmt(t.GetElementType()!) + "[]" : t.IsGenericType ? t.Namespace + "." + t.Name.Split('`')[0] + "<" + string.Join(", ", t.GetGenericArguments().Select(Fmt)) + ">" : t.FullName ?? t.Name;

static string Users(MetadataReader md, PEReader pe, int token)
{
    var b = BitConverter.GetBytes(token);
    var users = new List<string>();
    foreach (var mh in md.MethodDefinitions)
    {
        var m = md.GetMethodDefinition(mh);
        if (m.RelativeVirtualAddress == 0) continue;
        var il = pe.GetMethodBody(m.RelativeVirtualAddress).GetILBytes()!;
        for (int i = 0; i + 4 <= il.Length; i++)
            if (il[i] == b[0] && il[i + 1] == b[1] && il[i + 2] == b[2] && il[i + 3] == b[3]) { users.Add(md.GetString(md.GetTypeDefinition(m.GetDeclaringType()).Name) + "." + md.GetString(m.Name)); break; }
    }
    return string.Join(", ", users);
}
static string? ParentName(MetadataReader md, EntityHandle parent) => parent.Kind switch
{
    HandleKind.TypeReference => TypeRefName(md, (TypeReferenceHandle)parent),
    HandleKind.TypeSpecification => null,
    _ => null,
};
static string TypeRefName(MetadataReader md, TypeReferenceHandle h)
{
    var tr = md.GetTypeReference(h);
    string ns = md.GetString(tr.Namespace), n = md.GetString(tr.Name);
    if (tr.ResolutionScope.Kind == HandleKind.TypeReference) return TypeRefName(md, (TypeReferenceHandle)tr.ResolutionScope) + "+" + n;
    return string.IsNullOrEmpty(ns) ? n : ns + "." + n;
}

sealed class SigProvider : ISignatureTypeProvider<string, object?>
{
    public string GetArrayType(string e, ArrayShape s) => e + "[" + new string(',', s.Rank - 1) + "]";
    public string GetByReferenceType(string e) => e + "&";
    public string GetFunctionPointerType(MethodSignature<string> s) => "fnptr";
    public string GetGenericInstantiation(string g, ImmutableArray<string> a) => g.Split('`')[0] + "<" + string.Join(", ", a) + ">";
    public string GetGenericMethodParameter(object? c, int i) => "!!" + i;
    public string GetGenericTypeParameter(object? c, int i) => "!" + i;
    public string GetModifiedType(string m, string u, bool r) => u;
    public string GetPinnedType(string e) => e;
    public string GetPointerType(string e) => e + "*";
    public string GetPrimitiveType(PrimitiveTypeCode c) => c switch
    {
        PrimitiveTypeCode.Void => "System.Void", PrimitiveTypeCode.Boolean => "System.Boolean", PrimitiveTypeCode.Char => "System.Char",
        PrimitiveTypeCode.SByte => "System.SByte", PrimitiveTypeCode.Byte => "System.Byte", PrimitiveTypeCode.Int16 => "System.Int16",
        PrimitiveTypeCode.UInt16 => "System.UInt16", PrimitiveTypeCode.Int32 => "System.Int32", PrimitiveTypeCode.UInt32 => "System.UInt32",
        PrimitiveTypeCode.Int64 => "System.Int64", PrimitiveTypeCode.UInt64 => "System.UInt64", PrimitiveTypeCode.Single => "System.Single",
        PrimitiveTypeCode.Double => "System.Double", PrimitiveTypeCode.String => "System.String", PrimitiveTypeCode.Object => "System.Object",
        PrimitiveTypeCode.IntPtr => "System.IntPtr", PrimitiveTypeCode.UIntPtr => "System.UIntPtr", PrimitiveTypeCode.TypedReference => "System.TypedReference", _ => c.ToString(),
    };
    public string GetSZArrayType(string e) => e + "[]";
    public string GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle h, byte k) { var t = r.GetTypeDefinition(h); return r.GetString(t.Namespace) + "." + r.GetString(t.Name); }
    public string GetTypeFromReference(MetadataReader r, TypeReferenceHandle h, byte k) { var t = r.GetTypeReference(h); var ns = r.GetString(t.Namespace); var n = r.GetString(t.Name); if (t.ResolutionScope.Kind == HandleKind.TypeReference) return GetTypeFromReference(r, (TypeReferenceHandle)t.ResolutionScope, k) + "+" + n; return ns.Length == 0 ? n : ns + "." + n; }
    public string GetTypeFromSpecification(MetadataReader r, object? c, TypeSpecificationHandle h, byte k) => "spec";
}
