using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace Keras.Preprocessing.Memory.Tests.Architecture;

/// <summary>
/// The allowed dependencies between the library's layer namespaces (docs/architecture.md draws them). One rule
/// function, <see cref="FindViolations"/>, checks a namespace of any assembly against a layer's rule, so the same
/// function that passes on the library is shown to fail on a deliberately violating type.
/// </summary>
internal static class LayerRules
{
    public const string Root = "Keras.Preprocessing.Memory";

    /// <summary>Each layer folder and the layers it may use (everything else of the library's layers is forbidden).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Image"] = [],
        ["Augmentations"] = [],
        ["Parameters"] = ["Augmentations"],
        ["Sampling"] = ["Augmentations", "Parameters"],
        ["PixelMath"] = ["Parameters", "Sampling"],
        ["Sources"] = ["Image", "Parameters"],
        ["Interop"] = ["Sources"],
        ["Execution"] = ["Augmentations", "Parameters", "Sampling", "PixelMath", "Sources"],
        ["Gpu"] = ["Augmentations", "Parameters", "Sampling", "PixelMath", "Sources", "Execution"],
        ["Devices"] = ["Parameters", "Sources", "Execution", "Gpu"],
        ["Iterators"] = ["Image", "Parameters", "Sampling", "Sources", "Interop", "Execution", "Devices"],
        ["Visualization"] = ["Image", "Parameters", "Sampling", "Sources", "Execution", "Iterators"],
    };

    /// <summary>
    /// The root's entry points (generator, iterators, batches, utilities): only the root and the two layers that
    /// work for it (Iterators, Visualization) may use them. The rest of the root is vocabulary any layer may use:
    /// the warning sink, the exceptions, the argument value types, KerasImage, DecodeProgress.
    /// </summary>
    public static readonly string[] EntryPoints =
    [
        "ImageDataGenerator", "KerasIterator", "NumpyArrayIterator", "FileImageIterator", "DataFrameIterator", "DirectoryIterator",
        "KerasSequence", "KerasIteratorInterop", "IteratorSequence", "ImageUtils", "KerasUtils", "Preview", "Batch", "DeviceBatch",
        "NumpyRandom",
    ];

    private static readonly string[] EntryPointUsers = ["Iterators", "Visualization"];

    /// <summary>What <paramref name="layer"/> must not depend on: the other layers it is not allowed, and the root's entry points.</summary>
    public static string[] ForbiddenFor(string layer)
    {
        var forbidden = Allowed.Keys.Where(other => other != layer && !Allowed[layer].Contains(other)).Select(other => $"{Root}.{other}");
        if (!EntryPointUsers.Contains(layer))
        {
            forbidden = forbidden.Concat(EntryPoints.Select(type => $"{Root}.{type}"));
        }

        return [.. forbidden];
    }

    /// <summary>
    /// The types of <paramref name="assembly"/> in exactly namespace <paramref name="ns"/> that break
    /// <paramref name="layer"/>'s rule; empty when it holds.
    /// </summary>
    public static IReadOnlyList<string> FindViolations(Assembly assembly, string ns, string layer)
    {
        var result = Types.InAssembly(assembly)
            .That().ResideInNamespaceMatching($"^{Regex.Escape(ns)}$")
            .ShouldNot().HaveDependencyOnAny(ForbiddenFor(layer))
            .GetResult();
        return result.IsSuccessful ? [] : [.. result.FailingTypeNames];
    }
}
