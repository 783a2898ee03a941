namespace Keras.Preprocessing.Memory;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// One NaN or infinity in the fit data makes the fitted mean, std or ZCA matrix NaN, and with it every later
    /// standardized batch. Keras is silent here; we warn, naming how many values are affected.
    /// </summary>
    private void WarnIfNotFinite(float[] data)
    {
        if (!(featurewise_center || featurewise_std_normalization || zca_whitening))
        {
            return;
        }

        long nan = 0, infinite = 0;
        foreach (float v in data)
        {
            if (float.IsNaN(v))
            {
                nan++;
            }
            else if (float.IsInfinity(v))
            {
                infinite++;
            }
        }

        if (nan + infinite > 0)
        {
            KerasWarnings.Warn(
                $"`.fit()` data holds {nan} NaN and {infinite} infinite value(s): the fitted mean, std and principal components " +
                "become NaN and every standardized batch with them. Clean the data (e.g. np.nan_to_num) before fitting.");
        }
    }
}
