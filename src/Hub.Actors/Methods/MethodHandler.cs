using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Hub.Methods;

/// <summary>
/// A delegate or object method made callable: binds params, invokes, awaits whatever it returns
/// (<c>T</c>, <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c>, <c>ValueTask&lt;T&gt;</c>), and turns the result into JSON.
/// </summary>
internal sealed class MethodHandler
{
    private readonly object? _target;
    private readonly MethodInfo _method;
    private readonly ParameterBinder _binder;
    private readonly Func<object?, Task<object?>> _await;

    public MethodHandler(object? target, MethodInfo method, JsonSerializer serializer)
    {
        _target = target;
        _method = method;
        _binder = new ParameterBinder(method.GetParameters(), serializer);
        _await = AwaiterFor(method.ReturnType);
    }

    public async Task<JToken> InvokeAsync(HubCallContext context, JToken? parameters, CancellationToken cancellationToken)
    {
        var arguments = _binder.Bind(context, parameters, cancellationToken);

        // DoNotWrapExceptions: a handler's exception reaches the caller as itself, not as TargetInvocationException.
        var returned = _method.Invoke(_target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        var result = await _await(returned).ConfigureAwait(false);
        return result switch
        {
            null => JValue.CreateNull(),
            JToken token => token,
            _ => JToken.FromObject(result, _binder.Serializer),
        };
    }

    private static Func<object?, Task<object?>> AwaiterFor(Type returnType)
    {
        if (returnType == typeof(void))
        {
            return _ => Task.FromResult<object?>(null);
        }

        if (returnType == typeof(Task))
        {
            return async r =>
            {
                await ((Task)r!).ConfigureAwait(false);
                return null;
            };
        }

        if (returnType == typeof(ValueTask))
        {
            return async r =>
            {
                await ((ValueTask)r!).ConfigureAwait(false);
                return null;
            };
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returnType.GetProperty(nameof(Task<object>.Result))!;
            return async r =>
            {
                await ((Task)r!).ConfigureAwait(false);
                return result.GetValue(r);
            };
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = returnType.GetMethod(nameof(ValueTask<object>.AsTask))!;
            var result = asTask.ReturnType.GetProperty(nameof(Task<object>.Result))!;
            return async r =>
            {
                var task = (Task)asTask.Invoke(r, null)!;
                await task.ConfigureAwait(false);
                return result.GetValue(task);
            };
        }

        return Task.FromResult;
    }
}
