global using Microsoft.Extensions.DependencyInjection;
global using Xunit;
global using Xunit.Abstractions;
