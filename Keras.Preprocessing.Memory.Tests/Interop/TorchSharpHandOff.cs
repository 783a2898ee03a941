using TorchSharp;
using static TorchSharp.torch;

namespace Keras.Preprocessing.Memory.Tests.Interop;

/// <summary>
/// COMPILE-ONLY: a TorchSharp training epoch on augmented batches, kept here so that the compiler checks it against
/// TorchSharp 0.107 (docs/interop.md, "TorchSharp"). It is never run: TorchSharp's native libtorch needs
/// GLIBCXX_3.4.32, newer than Debian 12's libstdc++, so no libtorch package is referenced and no test calls it.
/// </summary>
internal static class TorchSharpHandOff
{
    public static void TrainOneEpoch(NumpyArrayIterator it, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer)
    {
        var criterion = nn.CrossEntropyLoss();
        foreach (var batch in it)
        {
            using (batch)
            using (NewDisposeScope())                                   // every tensor of the step is freed at its end
            {
                long[] xShape = Array.ConvertAll(batch.x_shape, d => (long)d);
                // The Memory<float> overload: the tensor is made over the batch's own buffer, so it must not outlive
                // the batch (the dispose scope closes before the batch goes back to the pool).
                var images = tensor(batch.AsMemory(), xShape).permute(0, 3, 1, 2);   // NHWC -> NCHW
                var labels = tensor(batch.LabelsAsMemory<long>(), [batch.Count]);    // flow(x, y) with int64 class indices
                optimizer.zero_grad();
                var loss = criterion.forward(model.forward(images), labels);
                loss.backward();
                optimizer.step();
            }
        }
    }
}
