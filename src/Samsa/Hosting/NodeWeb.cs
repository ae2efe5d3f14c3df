using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Samsa.Broker;
using Samsa.Broker.Network;

namespace Samsa.Hosting;

/// <summary>
/// A node's Kestrel: each Kafka listener (client listeners to the broker, each connection tagged with its listener;
/// the controller listener to the controller) and the HTTP endpoints.
/// </summary>
internal static class NodeWeb
{
    public static WebApplication Build(BrokerSettings settings, BrokerServer? broker,
        ControllerServer? controllerServer, Func<bool> ready, ILoggerFactory loggers,
        out Dictionary<string, ListenOptions> listens)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        // The transport reads at most this far ahead of what a connection has examined, so a larger frame still
        // arrives whole while a client pipelining faster than the log takes its requests waits in TCP.
        builder.Services.Configure<SocketTransportOptions>(o => o.MaxReadBufferSize = TransportBlocks.ReadAheadBytes);
        // Receive into 64 KiB blocks rather than Kestrel's 4 KiB ones: a sixteenth of the receive calls per request.
        builder.Services.AddSingleton(TransportBlocks.Factory);
        var bound = new Dictionary<string, ListenOptions>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (ConfiguredListener listener in settings.Listeners)
            {
                if (listener.IsController ? controllerServer is null : broker is null) continue;
                string name = listener.Name;
                kestrel.Listen(BindAddress(listener.Bind.Host), listener.Bind.Port, options =>
                {
                    if (listener.IsController) options.Run(controllerServer!.OnConnectedAsync);
                    else options.Run(connection => broker!.OnConnectedAsync(connection, name));
                    bound[name] = options;
                });
            }
            foreach (Samsa.Metadata.Configs.ServerAddress http in settings.HttpListeners)
                kestrel.Listen(BindAddress(http.Host), http.Port);
        });
        WebApplication web = builder.Build();
        web.MapGet("/health/live", () => Results.Text("live\n"));
        web.MapGet("/health/ready", () => ready()
            ? Results.Text("ready\n")
            : Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        listens = bound;
        return web;
    }

    private static IPAddress BindAddress(string host) => host switch
    {
        "" or "0.0.0.0" => IPAddress.Any,
        "::" or "[::]" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) ? ip : Dns.GetHostAddresses(host)[0],
    };
}
