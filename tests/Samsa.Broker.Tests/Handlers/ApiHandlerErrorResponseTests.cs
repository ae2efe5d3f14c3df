using System.Reflection;
using Samsa.Broker.Handlers;
using Samsa.Protocol;

namespace Samsa.Broker.Tests.Handlers;

// A handler answers a failed request with the generated error response unless it overrides ErrorResponse; one that
// answers with something other than the generated response type must override it, or the failure path would throw.
public sealed class ApiHandlerErrorResponseTests
{
    public static TheoryData<string> Handlers()
    {
        var data = new TheoryData<string>();
        foreach (Type type in typeof(ApiHandlerAttribute).Assembly.GetTypes())
        {
            if (type.GetCustomAttribute<ApiHandlerAttribute>() is not null) data.Add(type.FullName!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Handlers))]
    public void Handler_answering_with_another_type_overrides_ErrorResponse(string name)
    {
        Type handler = typeof(ApiHandlerAttribute).Assembly.GetType(name)!;
        ApiHandlerAttribute declared = handler.GetCustomAttribute<ApiHandlerAttribute>()!;
        Type[] arguments = BaseOf(handler).GetGenericArguments();
        ApiMessageInfo info = ApiMessages.Find((short)declared.Key)!;
        Assert.Equal(info.RequestType, arguments[0]);
        MethodInfo? errorResponse = handler.GetMethod("ErrorResponse", BindingFlags.Instance | BindingFlags.NonPublic,
            [typeof(RequestContext), arguments[0], typeof(ErrorCode)]);
        bool overrides = errorResponse is not null && errorResponse.DeclaringType == handler;
        Assert.True(arguments[1] == info.ResponseType || overrides,
            $"{handler.Name} answers with {arguments[1].Name}, not {info.ResponseType.Name}, "
            + "so it must override ErrorResponse");
    }

    private static Type BaseOf(Type handler)
    {
        for (Type? t = handler; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ApiHandler<,>)) return t;
        }
        throw new InvalidOperationException($"{handler.Name} does not derive from ApiHandler<,>");
    }
}
