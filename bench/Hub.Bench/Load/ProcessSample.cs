namespace Hub.Bench.Load;

/// <summary>Resident memory, threads and open file descriptors of one process at one moment, from /proc.</summary>
internal sealed record ProcessSample(int Pid, long ResidentBytes, int Threads, int OpenFiles)
{
    /// <summary>Nothing could be read: the process is gone (or was never there).</summary>
    public bool Gone => ResidentBytes == 0 && Threads == 0;

    public double ResidentMiB => ResidentBytes / 1048576.0;

    public static ProcessSample Take(int pid) => new(pid, ProcessStats.ResidentBytes(pid), ProcessStats.Threads(pid), ProcessStats.OpenFiles(pid));

    public override string ToString() => Gone ? "gone" : $"{ResidentMiB:F0} MiB {Threads} thr {OpenFiles} fd";
}
