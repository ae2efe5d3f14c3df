namespace Samsa.LoadGen;

/// <summary>The machine's limits in MB/s, measured in the same run: loopback TCP (iperf3), sequential writes (fio) as
/// a 1 GiB burst and sustained, and request-sized writes each followed by an fdatasync; NaN where not
/// measured.</summary>
internal readonly record struct MachineFigures(double Loopback, double Burst, double Buffered, double Synced);
