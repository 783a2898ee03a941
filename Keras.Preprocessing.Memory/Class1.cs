namespace Keras.Preprocessing.Memory;
/// <summary>x</summary>
public static class Probe { /// <summary>x</summary>
public static int One => 1; }
