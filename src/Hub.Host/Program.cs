using Hub.Host;
using Hub.Host.Auth;

if (args.Length > 0 && args[0] == "token")
{
    return TokenCommand.Run(args[1..], Console.Out, Console.Error);
}

// A node the cluster downed exits non-zero (HubHost.DownedExitCode), so a restart policy brings it back.
return HubHost.Run(HubHost.Build(args));
