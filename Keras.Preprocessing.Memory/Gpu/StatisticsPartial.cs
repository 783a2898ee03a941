using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>What one thread group of <see cref="AugmentationKernels.ReduceStatistics"/> found in its part of an image.</summary>
internal readonly struct StatisticsPartial(float min, float max, double sum, double squares)
{
    /// <summary>The part's smallest value after the warp.</summary>
    public readonly float Min = min;

    /// <summary>The part's largest value after the warp.</summary>
    public readonly float Max = max;

    /// <summary>The part's sum of values after the value shifts (pass 1).</summary>
    public readonly double Sum = sum;

    /// <summary>The part's sum of squared deviations from the image's mean (pass 2).</summary>
    public readonly double Squares = squares;
}

/// <summary>
/// The channel of element i, i + step, i + 2·step, … of one image, kept by additions: a kernel walking an image
/// with a thread-sized stride pays one division at the start instead of one per element.
/// </summary>
internal struct ChannelCursor
{
    private readonly int _channels;
    private readonly int _plane;
    private readonly int _channelStep;
    private readonly int _planeStep;
    private readonly int _isChannelsFirst;
    private int _position;

    /// <summary>Starts at element <paramref name="element"/> of an image of geometry <paramref name="g"/>, stepping by <paramref name="step"/>.</summary>
    public ChannelCursor(ImageGeometry g, int element, int step)
    {
        _channels = g.Channels;
        _isChannelsFirst = g.IsChannelsFirst;
        _plane = g.Rows * g.Cols;
        Channel = _isChannelsFirst != 0 ? element / _plane : element % _channels; // 32-bit, once
        if (_isChannelsFirst != 0)
        {
            _position = element - (Channel * _plane); // within the channel's plane
            _channelStep = step / _plane;
            _planeStep = step - (_channelStep * _plane);
        }
        else
        {
            _position = 0;
            _channelStep = step % _channels;
            _planeStep = 0;
        }
    }

    /// <summary>The current element's channel.</summary>
    public int Channel { get; private set; }

    /// <summary>Moves one step on.</summary>
    public void Advance()
    {
        if (_isChannelsFirst != 0)
        {
            int channel = Channel + _channelStep;
            _position += _planeStep;
            if (_position >= _plane)
            {
                _position -= _plane;
                channel++;
            }

            Channel = channel;
            return;
        }

        int next = Channel + _channelStep;
        Channel = next >= _channels ? next - _channels : next;
    }
}
