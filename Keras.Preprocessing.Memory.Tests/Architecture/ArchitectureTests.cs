using Keras.Preprocessing.Memory.Tests.Architecture.Specimens.AsExecution;
using Keras.Preprocessing.Memory.Tests.Architecture.Specimens.AsGpu;
using Keras.Preprocessing.Memory.Tests.Architecture.Specimens.AsSources;

namespace Keras.Preprocessing.Memory.Tests.Architecture;

/// <summary>The layer rules of docs/architecture.md, checked on the library's IL with NetArchTest.</summary>
[TestClass]
public sealed class ArchitectureTests
{
    public static IEnumerable<object[]> Layers => LayerRules.Allowed.Keys.Select(layer => new object[] { layer });

    [TestMethod]
    [DynamicData(nameof(Layers))]
    public void LayerUsesOnlyWhatItIsAllowed(string layer)
    {
        var violations = LayerRules.FindViolations(typeof(ImageDataGenerator).Assembly, $"{LayerRules.Root}.{layer}", layer);

        Assert.IsEmpty(violations, $"{layer} may use only {string.Join(", ", LayerRules.Allowed[layer])} (and the root's vocabulary): {string.Join(", ", violations)}");
    }

    [TestMethod]
    public void EveryLayerFolderHasARule()
    {
        string[] namespaces = [.. typeof(ImageDataGenerator).Assembly.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(ns => ns.StartsWith(LayerRules.Root + ".", StringComparison.Ordinal))
            .Select(ns => ns[(LayerRules.Root.Length + 1)..].Split('.')[0])
            .Distinct()];

        var unruled = namespaces.Where(ns => !LayerRules.Allowed.ContainsKey(ns)).ToArray();

        Assert.IsEmpty(unruled, "a new layer folder needs its row in LayerRules.Allowed and in docs/architecture.md: " + string.Join(", ", unruled));
    }

    [TestMethod]
    public void TheRuleFailsOnAForbiddenReference()
    {
        // The same rule function over a test-assembly namespace holding an "Execution" type that reaches into Gpu.
        var violations = LayerRules.FindViolations(typeof(ExecutionThatUsesTheGpu).Assembly, typeof(ExecutionThatUsesTheGpu).Namespace!, "Execution");

        CollectionAssert.Contains(violations.ToList(), typeof(ExecutionThatUsesTheGpu).FullName);
    }

    [TestMethod]
    public void TheRuleFailsWhenALowLayerUsesAnEntryPoint()
    {
        var violations = LayerRules.FindViolations(typeof(SourcesThatUseTheGenerator).Assembly, typeof(SourcesThatUseTheGenerator).Namespace!, "Sources");

        CollectionAssert.Contains(violations.ToList(), typeof(SourcesThatUseTheGenerator).FullName);
    }

    [TestMethod]
    public void TheRulePassesOnAnAllowedReference()
    {
        var violations = LayerRules.FindViolations(typeof(GpuThatUsesExecution).Assembly, typeof(GpuThatUsesExecution).Namespace!, "Gpu");

        Assert.IsEmpty(violations);
    }
}
