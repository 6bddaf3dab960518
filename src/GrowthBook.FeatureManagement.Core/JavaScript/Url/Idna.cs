using GrowthBook.FeatureManagement.JavaScript.Unicode;

namespace GrowthBook.FeatureManagement.JavaScript.Url;

/// <summary>
/// UTS #46 ToASCII as node's URL parser applies it to a domain (the URL Standard's "domain to ASCII": non-transitional,
/// CheckHyphens off, CheckBidi and CheckJoiners on, no DNS length check), from the shipped tables only
/// (docs/engine.md, "International hosts"): map, normalize to NFC, split into labels, validate each, and encode the
/// non-ASCII ones as Punycode.
/// </summary>
internal static class Idna
{
    /// <summary>The ASCII form of a domain, or null where node's parser fails.</summary>
    public static string? ToAscii(string domain)
    {
        // Most hosts are ASCII without A-labels: every ASCII code point is valid but A-Z, mapped to a-z; NFC changes
        // nothing; no label can fail a check (no marks, joiners or right-to-left characters).
        if (!domain.AsSpan().ContainsAnyExceptInRange('\0', '\u007F') && !domain.Contains("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return domain.ToLowerInvariant();
        }

        var tables = IdnaTables.Value;
        var mapped = new List<int>(domain.Length);
        foreach (var cp in Nfc.CodePoints(domain))
        {
            switch (tables.Status(cp, out var mapping))
            {
                case IdnaStatus.Valid or IdnaStatus.Deviation:
                    mapped.Add(cp);
                    break;
                case IdnaStatus.Mapped:
                    mapped.AddRange(mapping!);
                    break;
                case IdnaStatus.Ignored:
                    break;
                default:
                    return null;
            }
        }

        var normalized = Nfc.Value.Normalize(mapped);
        var labels = new List<string>();
        var start = 0;
        for (var i = 0; i <= normalized.Count; i++)
        {
            if (i < normalized.Count && normalized[i] != '.')
            {
                continue;
            }

            var label = ToAsciiLabel(normalized.GetRange(start, i - start), tables);
            if (label is null)
            {
                return null;
            }

            labels.Add(label);
            start = i + 1;
        }

        return string.Join('.', labels);
    }

    private static string? ToAsciiLabel(List<int> label, IdnaTables tables)
    {
        if (label.Count == 0)
        {
            return "";
        }

        if (label.Count >= 4 && label[0] == 'x' && label[1] == 'n' && label[2] == '-' && label[3] == '-')
        {
            // An A-label: its Punycode must decode to a valid label (node accepts one that decodes to ASCII).
            if (label.Any(c => c >= 0x80))
            {
                return null;
            }

            var text = Nfc.ToText(label);
            var decoded = Punycode.Decode(text[4..]);
            return decoded is { Count: > 0 } && IsValid(decoded, tables, checkStatus: true)
                ? text
                : null;
        }

        if (!IsValid(label, tables, checkStatus: false))
        {
            return null;
        }

        return label.All(c => c < 0x80) ? Nfc.ToText(label) : "xn--" + Punycode.Encode(label);
    }

    // UTS #46 §4.1 Validity Criteria as node applies them.
    private static bool IsValid(List<int> label, IdnaTables tables, bool checkStatus)
    {
        if (tables.Combining.Contains(label[0]))
        {
            return false;
        }

        if (checkStatus)
        {
            if (!Nfc.Value.IsNormalized(label))
            {
                return false;
            }

            foreach (var cp in label)
            {
                if (cp == '.' || tables.Status(cp, out _) is not (IdnaStatus.Valid or IdnaStatus.Deviation))
                {
                    return false;
                }
            }
        }

        return JoinersAreValid(label, tables) && BidiIsValid(label, tables);
    }

    // ContextJ (RFC 5892 appendix A): ZWJ and ZWNJ only after a virama; ZWNJ also between a joining-left and a
    // joining-right letter with only transparent ones in between.
    private static bool JoinersAreValid(List<int> label, IdnaTables tables)
    {
        for (var i = 0; i < label.Count; i++)
        {
            if (label[i] is not (0x200C or 0x200D))
            {
                continue;
            }

            if (i > 0 && tables.Virama.Contains(label[i - 1]))
            {
                continue;
            }

            if (label[i] == 0x200D || !ZwnjBetweenJoiningLetters(label, i, tables))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ZwnjBetweenJoiningLetters(List<int> label, int at, IdnaTables tables)
    {
        var before = at - 1;
        while (before >= 0 && tables.JoiningTransparent.Contains(label[before]))
        {
            before--;
        }

        var after = at + 1;
        while (after < label.Count && tables.JoiningTransparent.Contains(label[after]))
        {
            after++;
        }

        return before >= 0 && tables.JoiningLeft.Contains(label[before])
            && after < label.Count && tables.JoiningRight.Contains(label[after]);
    }

    // The bidi rule as node's parser applies it, label by label: only a label with an R, AL or AN character is
    // checked; it is read right to left unless its first character is L. A right-to-left label may hold only R, AL,
    // AN, EN, neutral and NSM characters, ends (before trailing NSMs) in R, AL, EN or AN, and never holds both EN and
    // AN; a left-to-right label holds only L, EN, neutral and NSM characters before its last non-NSM character.
    private static bool BidiIsValid(List<int> label, IdnaTables tables)
    {
        var classes = label.ConvertAll(tables.Bidi);
        if (!classes.Any(c => c is BidiClass.R or BidiClass.AN))
        {
            return true;
        }

        var last = classes.Count - 1;
        while (last >= 0 && classes[last] == BidiClass.Nsm)
        {
            last--;
        }

        if (classes[0] != BidiClass.L)
        {
            return !classes.Any(c => c is BidiClass.L or BidiClass.Other)
                && last >= 0 && classes[last] is BidiClass.R or BidiClass.AN or BidiClass.EN
                && !(classes.Contains(BidiClass.EN) && classes.Contains(BidiClass.AN));
        }

        for (var i = 0; i < last; i++)
        {
            if (classes[i] is BidiClass.R or BidiClass.AN or BidiClass.Other)
            {
                return false;
            }
        }

        return true;
    }
}
