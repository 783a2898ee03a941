namespace Keras.Preprocessing.Memory;

/// <summary>Progress of decoding images into memory (<c>cache=true</c>): how many of how many, and how long so far.</summary>
/// <param name="completed">Images decoded (or skipped) so far.</param>
/// <param name="total">Images to decode.</param>
/// <param name="elapsed">Time since decoding began.</param>
public readonly record struct DecodeProgress(int completed, int total, TimeSpan elapsed)
{
    /// <summary>Completed fraction, 0..1.</summary>
    public double fraction => total == 0 ? 1 : (double)completed / total;

    /// <summary>Images per second so far.</summary>
    public double images_per_second => elapsed.TotalSeconds > 0 ? completed / elapsed.TotalSeconds : 0;
}
