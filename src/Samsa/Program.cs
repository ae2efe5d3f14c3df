using System.CommandLine;
using Samsa.Cli;
using Samsa.Cli.Broker;
using Samsa.Cli.Config;
using Samsa.Cli.Dev;
using Samsa.Cli.Groups;
using Samsa.Cli.Topics;

// The samsa executable: one verb per folder of Cli/, each a Command built by its static Create.
CliContext context = CliContext.Current();
var root = new RootCommand("Samsa: a Kafka-compatible message broker.");
root.Subcommands.Add(BrokerCommand.Create(context));
root.Subcommands.Add(ConfigCommand.Create(context));
root.Subcommands.Add(DevCommand.Create(context));
root.Subcommands.Add(TopicsCommand.Create(context));
root.Subcommands.Add(GroupsCommand.Create());
return await root.Parse(args).InvokeAsync();
