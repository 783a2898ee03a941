using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Keras.Preprocessing.Memory.PixelMath;
using Keras.Preprocessing.Memory.Sources;

namespace Keras.Preprocessing.Memory.Execution;

/// <summary>
/// Software prefetch of the source rows a block is about to read. A rotated grid walks the source diagonally,
/// visiting each cache line in a few short bursts that hardware prefetchers do not predict, so without this
/// every first touch of a line is a full memory latency (it doubled the time per 224x224 image when the
/// dataset is larger than the caches). Output row r reads source rows between its two ends' row coordinates
/// (the map is linear along a row); the rows for output row r + Lookahead are requested while row r is warped,
/// each source row once. Small images are requested whole at the start. Prefetches are hints: no effect on results.
/// <para>
/// The requests for a row are paced over the row's interior (<see cref="Step"/>, a few lines per group of pixels)
/// instead of issued in one burst: a source row is 40-odd cache lines at 224x224, more than the core's line fill
/// buffers, and a burst of prefetches stalls until lines arrive (11.7% of one worker's samples sat on the prefetch
/// instruction, issue 13). Paced, the lines arrive while the row is computed. What a row did not issue by the next
/// <see cref="Advance"/> is issued there.
/// </para>
/// </summary>
internal unsafe struct SourcePrefetch
{
    private const int Lookahead = 6;
    public const int WholeImageBytes = 16 * 1024;

    private readonly ImageGeometry _g;
    private readonly SamplingGrid _grid;
    private readonly int _rowStart;
    private readonly int _rowEnd;
    private int _lo;
    private int _hi;

    // The paced requests not issued yet: cache lines [_next, _end) of the source (channels_last images only).
    private byte* _next;
    private byte* _end;

    public SourcePrefetch(in ImageGeometry g, in SamplingGrid grid, int rowStart, int rowEnd)
    {
        _g = g;
        _grid = grid;
        _rowStart = rowStart;
        _rowEnd = rowEnd;
        _lo = int.MaxValue;
        _hi = int.MinValue;
        _next = null;
        _end = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Start<T>(T* src)
        where T : unmanaged
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        if ((long)_g.Size * sizeof(T) <= WholeImageBytes)
        {
            PrefetchRows(src, 0, _g.Rows - 1);
            _lo = 0;
            _hi = _g.Rows - 1;
            return;
        }

        for (int r = _rowStart - Lookahead; r < _rowStart; r++)
        {
            Advance(src, r);
        }
    }

    /// <summary>Requests the source rows of output row <paramref name="r"/> + Lookahead not requested yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance<T>(T* src, int r)
        where T : unmanaged
    {
        int ahead = r + Lookahead;
        if (!Sse.IsSupported || ahead >= _rowEnd || (_lo == 0 && _hi == _g.Rows - 1))
        {
            return;
        }

        double a = _grid.RowAt(ahead, 0), b = _grid.RowAt(ahead, _g.Cols - 1);
        if (!double.IsFinite(a) || !double.IsFinite(b))
        {
            return;
        }

        int lo = (int)Math.Clamp(Math.Floor(Math.Min(a, b)), 0, _g.Rows - 1);
        int hi = (int)Math.Clamp(Math.Floor(Math.Max(a, b)) + 1, 0, _g.Rows - 1);
        Flush();
        if (_lo > _hi)
        {
            Request(src, lo, hi);
        }
        else
        {
            if (lo < _lo)
            {
                Request(src, lo, _lo - 1);
            }

            if (hi > _hi)
            {
                Request(src, _hi + 1, hi);
            }
        }

        _lo = Math.Min(_lo, lo);
        _hi = Math.Max(_hi, hi);
    }

    /// <summary>
    /// Issues up to two of the paced requests: the warp calls it once per group of pixels (eight with AVX-512, four
    /// otherwise), which at 224x224 covers a row's lines about twice over.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step()
    {
        if (_next < _end)
        {
            Sse.Prefetch0(_next);
            Sse.Prefetch0(_next + 64);
            _next += 128;
        }
    }

    /// <summary>Issues every paced request left (the row ended first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Flush()
    {
        for (; _next < _end; _next += 64)
        {
            Sse.Prefetch0(_next);
        }
    }

    /// <summary>Source rows [first, last]: paced for a channels_last image (one contiguous run; a second run issues the first now), at once per plane otherwise.</summary>
    private void Request<T>(T* src, int first, int last)
        where T : unmanaged
    {
        if (_g.IsChannelsFirst != 0)
        {
            PrefetchRows(src, first, last);
            return;
        }

        Flush();
        _next = (byte*)((nint)(src + ((long)first * _g.RowStride)) & ~(nint)63);
        _end = (byte*)(src + ((long)(last + 1) * _g.RowStride));
    }

    /// <summary>Prefetches source rows [first, last] of every channel plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void PrefetchRows<T>(T* src, int first, int last)
        where T : unmanaged
    {
        int planes = _g.IsChannelsFirst != 0 ? _g.Channels : 1;
        for (int plane = 0; plane < planes; plane++)
        {
            byte* start = (byte*)(src + ((long)plane * (_g.IsChannelsFirst != 0 ? _g.ChannelStride : 0)) + ((long)first * _g.RowStride));
            byte* end = (byte*)(src + ((long)plane * (_g.IsChannelsFirst != 0 ? _g.ChannelStride : 0)) + ((long)(last + 1) * _g.RowStride));
            for (byte* p = (byte*)((nint)start & ~(nint)63); p < end; p += 64)
            {
                Sse.Prefetch0(p);
            }
        }
    }

    /// <summary>
    /// Requests a whole source image into cache when it is small (as <see cref="Start"/> does),
    /// so the engine can ask for the next image of a work item while it warps the current one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PrefetchSmallImage<T>(T* src, in ImageGeometry g)
        where T : unmanaged
    {
        long bytes = (long)g.Size * sizeof(T);
        if (!Sse.IsSupported || bytes > WholeImageBytes)
        {
            return;
        }

        for (byte* p = (byte*)((nint)src & ~(nint)63), end = (byte*)src + bytes; p < end; p += 64)
        {
            Sse.Prefetch0(p);
        }
    }
}
