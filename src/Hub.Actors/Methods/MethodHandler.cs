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
    private readonly Func<object?, ValueTask<object?>> _await;

    public MethodHandler(object? target, MethodInfo method, JsonSerializer serializer)
    {
        _target = target;
        _method = method;
        _binder = new ParameterBinder(method.GetParameters(), serializer);
        _await = AwaiterFor(method.ReturnType);
    }

    /// <summary>Whether the handler takes a <see cref="CancellationToken"/> (only then does a call need a token that fires at its timeout).</summary>
    public bool TakesCancellation => _binder.TakesCancellation;

    /// <summary>Whether the handler takes the <see cref="HubCallContext"/>.</summary>
    public bool TakesContext => _binder.TakesContext;

    /// <summary>
    /// Binds and invokes. Completes synchronously when the handler does (a plain return, or a task already done), so
    /// such a call costs no task; binding errors and a synchronous handler's exception are thrown, not returned.
    /// </summary>
    public ValueTask<JToken> InvokeAsync(HubCallContext? context, JToken? parameters, CancellationToken cancellationToken)
    {
        var arguments = _binder.Bind(context!, parameters, cancellationToken);

        // DoNotWrapExceptions: a handler's exception reaches the caller as itself, not as TargetInvocationException.
        var returned = _method.Invoke(_target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        var result = _await(returned);
        return result.IsCompletedSuccessfully ? new ValueTask<JToken>(ToToken(result.Result)) : new ValueTask<JToken>(ToTokenAsync(result));
    }

    /// <summary>
    /// A handler's result as JSON. Without converters a string, bool, long, int or double is the JValue
    /// <see cref="JToken.FromObject(object, JsonSerializer)"/> would make, so those skip the serializer.
    /// </summary>
    public static JToken ToToken(object? result, JsonSerializer serializer) => result switch
    {
        null => JValue.CreateNull(),
        JToken token => token,
        string or bool or long or int or double when serializer.Converters.Count == 0 => new JValue(result),
        _ => JToken.FromObject(result, serializer),
    };

    private JToken ToToken(object? result) => ToToken(result, _binder.Serializer);

    private async Task<JToken> ToTokenAsync(ValueTask<object?> result) => ToToken(await result.ConfigureAwait(false));

    private static Func<object?, ValueTask<object?>> AwaiterFor(Type returnType)
    {
        if (returnType == typeof(void))
        {
            return _ => default;
        }

        if (returnType == typeof(Task))
        {
            return r => ((Task)r!).IsCompletedSuccessfully ? default : AwaitAsync((Task)r!, _ => null);
        }

        if (returnType == typeof(ValueTask))
        {
            return r =>
            {
                var task = (ValueTask)r!;
                if (task.IsCompletedSuccessfully)
                {
                    task.GetAwaiter().GetResult(); // a ValueTask is consumed once, even when done
                    return default;
                }

                return AwaitAsync(task.AsTask(), _ => null);
            };
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = returnType.GetProperty(nameof(Task<object>.Result))!;
            return r => ((Task)r!).IsCompletedSuccessfully ? new ValueTask<object?>(result.GetValue(r)) : AwaitAsync((Task)r!, result.GetValue);
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = returnType.GetMethod(nameof(ValueTask<object>.AsTask))!;
            var result = asTask.ReturnType.GetProperty(nameof(Task<object>.Result))!;
            return r =>
            {
                var task = (Task)asTask.Invoke(r, null)!;
                return task.IsCompletedSuccessfully ? new ValueTask<object?>(result.GetValue(task)) : AwaitAsync(task, result.GetValue);
            };
        }

        return r => new ValueTask<object?>(r);
    }

    private static async ValueTask<object?> AwaitAsync(Task task, Func<object?, object?> result)
    {
        await task.ConfigureAwait(false);
        return result(task);
    }
}
