using Hub.Host;

HubHost.Build(args).Run();
