using BenchmarkDotNet.Running;
using Samsa.Benchmarks.Broker;
using Samsa.Benchmarks.Storage;

// Micro-benchmarks (BenchmarkDotNet): dotnet run -c Release --project bench/Samsa.Benchmarks -- --filter '*'
// Storage throughput and start-up (a Stopwatch harness):
//   dotnet run -c Release --project bench/Samsa.Benchmarks -- storage
// Produce throughput with idempotence on against off (a broker in this process): ... -- produce [--quick]
if (args.Length > 0 && args[0] == "storage") return StorageBenchmark.Run(args[1..]);
if (args.Length > 0 && args[0] == "produce") return await IdempotenceBenchmark.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Samsa.Benchmarks.ProduceDecodeBenchmarks).Assembly).Run(args);
return 0;
