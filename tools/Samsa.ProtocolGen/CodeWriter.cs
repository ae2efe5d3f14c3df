using System.Text;

namespace Samsa.ProtocolGen;

/// <summary>Indented C# text, four spaces a level, LF line ends.</summary>
public sealed class CodeWriter
{
    private readonly StringBuilder _text = new();

    public CodeWriter(int indent = 0) => Indent = indent;

    public int Indent { get; private set; }

    public void Line(string text = "")
    {
        if (text.Length > 0) _text.Append(' ', Indent * 4).Append(text);
        _text.Append('\n');
    }

    public void Open()
    {
        Line("{");
        Indent++;
    }

    public void Close()
    {
        Indent--;
        Line("}");
    }

    /// <summary>Opens <c>if (cond) {</c> unless the condition always holds.</summary>
    public void If(string cond)
    {
        if (cond == "true") return;
        Line($"if ({cond})");
        Open();
    }

    public void EndIf(string cond)
    {
        if (cond != "true") Close();
    }

    public void Summary(string text)
    {
        string escaped = text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
        Line($"/// <summary>{escaped}</summary>");
    }

    public void Append(CodeWriter other) => _text.Append(other._text);

    public override string ToString() => _text.ToString();
}
