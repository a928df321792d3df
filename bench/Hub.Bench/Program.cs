using Hub.Bench;

return await BenchCommand.RunAsync(args);
