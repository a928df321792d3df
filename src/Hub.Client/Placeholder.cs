namespace Hub.Client; internal static class Placeholder { }
