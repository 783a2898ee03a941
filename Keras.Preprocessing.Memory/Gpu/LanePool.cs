using System.Collections.Concurrent;
using ILGPU.Runtime;

namespace Keras.Preprocessing.Memory.Gpu;

/// <summary>
/// The executor's <see cref="BatchLane"/>s: at most <see cref="Count"/> batches in flight at once, one downloading
/// while the next computes. Lanes are made on first need and reused.
/// </summary>
internal sealed class LanePool : IDisposable
{
    /// <summary>Batches in flight at once: one downloading while the next computes.</summary>
    public const int Count = 2;

    private readonly Accelerator _accelerator;
    private readonly SemaphoreSlim _gate = new(Count);
    private readonly ConcurrentBag<BatchLane> _free = [];
    private readonly List<BatchLane> _all = [];
    private readonly object _lock = new();

    private readonly long? _deviceBytesLimit;

    /// <param name="accelerator">The device.</param>
    /// <param name="deviceBytesLimit">Tests: device bytes a lane may hold before its allocations fail as the driver's would; null: no limit.</param>
    public LanePool(Accelerator accelerator, long? deviceBytesLimit = null)
    {
        _accelerator = accelerator;
        _deviceBytesLimit = deviceBytesLimit;
    }

    /// <summary>Device bytes the lanes hold now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _all.Sum(l => l.Bytes);
            }
        }
    }

    /// <summary>Takes a lane, waiting while all are in use.</summary>
    public BatchLane Rent()
    {
        _gate.Wait();
        if (_free.TryTake(out var lane))
        {
            return lane;
        }

        lock (_lock)
        {
            lane = new BatchLane(_accelerator, _deviceBytesLimit);
            _all.Add(lane);
            return lane;
        }
    }

    /// <summary>Hands a lane back for the next batch.</summary>
    public void Return(BatchLane lane)
    {
        _free.Add(lane);
        _gate.Release();
    }

    /// <summary>Waits for batches in flight to hand their lanes back, then frees them.</summary>
    public void Dispose()
    {
        for (int i = 0; i < Count; i++)
        {
            _gate.Wait();
        }

        foreach (var lane in _all)
        {
            lane.Dispose();
        }

        _gate.Dispose();
    }
}
