using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Security;

namespace WebRtcPS.Commands.Ice;

/// <summary>
/// Turns what users write after -IceServer into <see cref="IceServer"/> entries: URL strings,
/// hashtables and objects shaped like the W3C RTCIceServer (Urls or Url or Uri; Username;
/// Credential or Password as a PSCredential, SecureString or plain string), rows of
/// Import-Csv among them, and arrays of any of these.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class IceServerTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly string[] UrlKeys = ["Urls", "Url", "Uri", "IceServer"];
    private static readonly string[] UserKeys = ["Username", "UserName", "User"];
    private static readonly string[] CredentialKeys = ["Credential", "Password"];

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var list = new List<IceServer>();
        foreach (var item in Flatten(inputData)) list.Add(ToIceServer(item));
        return list.ToArray();
    }

    private static IEnumerable<object?> Flatten(object? input)
    {
        input = Unwrap(input);
        if (input is IEnumerable e and not string and not IDictionary)
        {
            foreach (var item in e) yield return Unwrap(item);
        }
        else
        {
            yield return input;
        }
    }

    private static object? Unwrap(object? value) =>
        value is PSObject { BaseObject: not PSCustomObject } ps ? ps.BaseObject : value;

    private static IceServer ToIceServer(object? item)
    {
        switch (item)
        {
            case IceServer server:
                return server;
            case string text:
                return new IceServer([text], null, null);
            case IDictionary dictionary:
                return FromLookup(name => dictionary.Contains(name) ? dictionary[name] : FindIgnoringCase(dictionary, name));
            case PSObject ps:
                return FromLookup(name => ps.Properties[name]?.Value);
            case null:
                throw new ArgumentTransformationMetadataException("An -IceServer entry is null.");
            default:
                throw new ArgumentTransformationMetadataException(
                    $"Cannot use a {item.GetType().Name} as an ICE server: give a URL string or @{{ Urls = ...; Username = ...; Credential = ... }}.");
        }
    }

    private static object? FindIgnoringCase(IDictionary dictionary, string name)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return entry.Value;
        }
        return null;
    }

    private static IceServer FromLookup(Func<string, object?> get)
    {
        var urlsValue = First(get, UrlKeys)
            ?? throw new ArgumentTransformationMetadataException("An -IceServer entry has no Urls (e.g. @{ Urls = 'turn:host:3478'; Username = 'u'; Credential = $cred }).");
        var urls = Flatten(urlsValue).Select(u => u?.ToString() ?? "").Where(u => u.Length > 0).ToArray();
        if (urls.Length == 0) throw new ArgumentTransformationMetadataException("An -IceServer entry has an empty Urls.");
        var username = Unwrap(First(get, UserKeys))?.ToString();
        SecureString? secret = null;
        switch (Unwrap(First(get, CredentialKeys)))
        {
            case null:
                break;
            case PSCredential credential:
                secret = credential.Password;
                if (string.IsNullOrEmpty(username)) username = credential.UserName;
                break;
            case SecureString secure:
                secret = secure;
                break;
            case var other:
                var text = other.ToString() ?? "";
                if (text.Length > 0) secret = new NetworkCredential("", text).SecurePassword;
                break;
        }
        return new IceServer(urls, string.IsNullOrEmpty(username) ? null : username, secret);
    }

    private static object? First(Func<string, object?> get, string[] names)
    {
        foreach (var name in names)
        {
            var value = get(name);
            if (value is not null && !(value is string s && s.Length == 0)) return value;
        }
        return null;
    }
}
