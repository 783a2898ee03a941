namespace KerasMem;

internal static class Program
{
    public static int Main(string[] args) => KerasMemCli.Run(args);
}
