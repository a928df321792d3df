using Hub.Host;
using Hub.Host.Auth;

if (args.Length > 0 && args[0] == "token")
{
    return TokenCommand.Run(args[1..], Console.Out, Console.Error);
}

HubHost.Build(args).Run();
return 0;
