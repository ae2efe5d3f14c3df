namespace Samsa.Configuration;

/// <summary><c>process.roles</c>.</summary>
[Flags]
internal enum ProcessRoles
{
    None = 0,
    Broker = 1,
    Controller = 2,
}
