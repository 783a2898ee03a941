// A file-based program that keeps PublishAot=true on purpose (so no dynamic code, as .NET 10's default would give a
// program referencing the library by #:project): the library must say what to add, not fail quietly.
// .ci/run prepends the #:package line and `#:property PublishAot=true`.
using System.Runtime.CompilerServices;
using Keras.Preprocessing.Memory;
using NumSharp;

if (RuntimeFeature.IsDynamicCodeSupported)
{
    Console.WriteLine("FAIL dynamic code is on: the explicit #:property PublishAot=true did not win");
    return 1;
}

using var x = np.zeros(new Shape(4, 8, 8, 3), NPTypeCode.Byte);
var datagen = new ImageDataGenerator(horizontal_flip: true);

try
{
    using var gpu = datagen.flow(x, batch_size: 2, device: "gpu");
    Console.WriteLine("FAIL device: \"gpu\" did not throw without dynamic code");
    return 1;
}
catch (InvalidOperationException e) when (e.Message.Contains("#:property PublishAot=false", StringComparison.Ordinal))
{
    Console.WriteLine($"ok   device: \"gpu\" throws: {e.Message}");
}

var warnings = new List<string>();
KerasWarnings.Warned += warnings.Add;
using (var auto = datagen.flow(x, batch_size: 2, device: "auto"))
using (var batch = auto.next())
{
    Console.WriteLine($"ok   device: \"auto\" gives a batch of {batch.x.shape[0]} on the CPU");
}

if (!warnings.Any(w => w.Contains("without dynamic code", StringComparison.Ordinal)))
{
    Console.WriteLine("FAIL device: \"auto\" fell back without a warning saying why");
    return 1;
}

Console.WriteLine($"ok   device: \"auto\" warned: {warnings.First()}");
return 0;
