using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Hub.Tests.Architecture;

/// <summary>
/// The types a compiled type uses: base type, interfaces, fields, properties, events, method signatures, generic
/// arguments and constraints, attributes (their arguments of type <see cref="Type"/> included), locals, and every
/// type, method and field a method body names in its IL (calls, <c>newobj</c>, field access, <c>ldtoken</c>, casts,
/// <c>box</c>, <c>initobj</c>, <c>newarr</c>, <c>ldftn</c>...). Read from the assembly, so what the compiler
/// generated (closures, state machines, source-generated logging) counts as much as what was written.
/// </summary>
internal static class TypeDependencies
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly OpCode[] OneByteOpCodes = new OpCode[0x100];
    private static readonly OpCode[] TwoByteOpCodes = new OpCode[0x100];

#pragma warning disable CA1810 // the tables are filled from OpCodes' fields, which an initializer cannot do in one expression
    static TypeDependencies()
#pragma warning restore CA1810
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (value < 0x100)
            {
                OneByteOpCodes[value] = code;
            }
            else if ((value & 0xff00) == 0xfe00)
            {
                TwoByteOpCodes[value & 0xff] = code;
            }
        }
    }

    /// <summary>
    /// Every type <paramref name="type"/> uses itself (not what its nested types use): generic arguments unwrapped, and the
    /// element type of an array, pointer or reference in place of it.
    /// </summary>
    public static IEnumerable<Type> UsedBy(Type type)
    {
        var types = new List<Type?> { type.BaseType };
        types.AddRange(type.GetInterfaces());
        types.AddRange(Constraints(type));
        types.AddRange(AttributeTypes(type.GetCustomAttributesData()));
        foreach (var field in type.GetFields(Declared))
        {
            types.Add(field.FieldType);
            types.AddRange(AttributeTypes(field.GetCustomAttributesData()));
        }

        foreach (var property in type.GetProperties(Declared))
        {
            types.Add(property.PropertyType);
            types.AddRange(AttributeTypes(property.GetCustomAttributesData()));
        }

        foreach (var @event in type.GetEvents(Declared))
        {
            types.Add(@event.EventHandlerType);
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            types.AddRange(AttributeTypes(method.GetCustomAttributesData()));
            foreach (var parameter in method.GetParameters())
            {
                types.Add(parameter.ParameterType);
                types.AddRange(AttributeTypes(parameter.GetCustomAttributesData()));
            }

            if (method is MethodInfo info)
            {
                types.Add(info.ReturnType);
                types.AddRange(AttributeTypes(info.ReturnParameter.GetCustomAttributesData()));
                types.AddRange(Constraints(info));
            }

            var body = method.GetMethodBody();
            if (body is not null)
            {
                types.AddRange(body.LocalVariables.Select(l => l.LocalType));
                types.AddRange(body.ExceptionHandlingClauses.Where(c => c.Flags == ExceptionHandlingClauseOptions.Clause).Select(c => c.CatchType));
                types.AddRange(InstructionTypes(method, body.GetILAsByteArray() ?? []));
            }
        }

        return types.OfType<Type>().SelectMany(Unwrap).Where(t => !t.IsGenericParameter).Distinct();
    }

    /// <summary>The declared type a compiler-generated nested one (a lambda's closure, an async state machine) belongs to.</summary>
    public static Type Owner(Type type) =>
        type.DeclaringType is { } outer && type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) ? Owner(outer) : type;

    /// <summary>True for what the compiler made on its own account, outside any declared type (anonymous types, <c>&lt;PrivateImplementationDetails&gt;</c>).</summary>
    public static bool IsCompilerGenerated(Type type) => type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) || type.Name.StartsWith('<');

    private static IEnumerable<Type> Constraints(Type type) =>
        type.IsGenericTypeDefinition ? type.GetGenericArguments().SelectMany(a => a.GetGenericParameterConstraints()) : [];

    private static IEnumerable<Type> Constraints(MethodInfo method) =>
        method.IsGenericMethodDefinition ? method.GetGenericArguments().SelectMany(a => a.GetGenericParameterConstraints()) : [];

    private static IEnumerable<Type> AttributeTypes(IEnumerable<CustomAttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            yield return attribute.AttributeType;
            var arguments = attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(n => n.TypedValue));
            foreach (var argument in arguments)
            {
                if (argument.Value is Type used)
                {
                    yield return used;
                }
            }
        }
    }

    /// <summary>The types named by the operands of <paramref name="il"/>, resolved in <paramref name="method"/>'s generic context.</summary>
    private static IEnumerable<Type?> InstructionTypes(MethodBase method, byte[] il)
    {
        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var offset = 0;
        while (offset < il.Length)
        {
            var code = il[offset] == 0xfe ? TwoByteOpCodes[il[++offset]] : OneByteOpCodes[il[offset]];
            offset++;
            switch (code.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, offset);
                    var member = module.ResolveMember(token, typeArguments, methodArguments)
                        ?? throw new InvalidOperationException($"{method.DeclaringType}.{method.Name}: token {token:x8} resolves to nothing");
                    foreach (var used in MemberTypes(member))
                    {
                        yield return used;
                    }

                    offset += 4;
                    break;
                case OperandType.InlineSwitch:
                    offset += 4 + (4 * BitConverter.ToInt32(il, offset));
                    break;
                default:
                    offset += OperandSize(code.OperandType);
                    break;
            }
        }
    }

    private static IEnumerable<Type?> MemberTypes(MemberInfo member)
    {
        switch (member)
        {
            case Type type:
                yield return type;
                break;
            case FieldInfo field:
                yield return field.DeclaringType;
                yield return field.FieldType;
                break;
            case MethodBase called:
                yield return called.DeclaringType;
                foreach (var parameter in called.GetParameters())
                {
                    yield return parameter.ParameterType;
                }

                if (called is MethodInfo info)
                {
                    yield return info.ReturnType;
                    foreach (var argument in info.IsGenericMethod ? info.GetGenericArguments() : [])
                    {
                        yield return argument;
                    }
                }

                break;
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (!type.HasElementType)
        {
            yield return type;
        }
        else
        {
            foreach (var inner in Unwrap(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return inner;
            }
        }
    }
}
