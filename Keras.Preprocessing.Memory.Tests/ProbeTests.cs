namespace Keras.Preprocessing.Memory.Tests;
[TestClass]
public sealed class ProbeTests { [TestMethod] public void One() => Assert.AreEqual(1, Probe.One); }
