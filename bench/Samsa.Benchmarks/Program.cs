using BenchmarkDotNet.Running;

// Runs the micro-benchmarks: dotnet run -c Release --project bench/Samsa.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Samsa.Benchmarks.ProduceDecodeBenchmarks).Assembly).Run(args);
