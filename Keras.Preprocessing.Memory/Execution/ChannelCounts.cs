namespace Keras.Preprocessing.Memory.Execution;

/// <summary>A channel count fixed at JIT time (or <see cref="RuntimeChannels"/> for one read at run time).</summary>
internal interface IChannelCount
{
    static abstract int Resolve(int runtime);
}

internal readonly struct OneChannel : IChannelCount
{
    public static int Resolve(int runtime) => 1;
}

internal readonly struct ThreeChannels : IChannelCount
{
    public static int Resolve(int runtime) => 3;
}

internal readonly struct FourChannels : IChannelCount
{
    public static int Resolve(int runtime) => 4;
}

internal readonly struct RuntimeChannels : IChannelCount
{
    public static int Resolve(int runtime) => runtime;
}
