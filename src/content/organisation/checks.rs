//! Pure format checks for profile fields: e-mail, web address, Finnish phone number, postal code
//! and Y-tunnus (Finnish business id). Each returns `Err(reason)` with a reason a coordinator can act on.

/// A plausible e-mail address: `local@domain.tld`, no spaces, no display name.
pub fn email(value: &str) -> Result<(), &'static str> {
    let Some((local, domain)) = value.split_once('@') else {
        return Err("it has no `@`");
    };
    if local.is_empty() || domain.contains('@') {
        return Err("it needs exactly one `@` with a name before it");
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if !local_ok || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("the part before `@` has characters an address cannot have");
    }
    hostname(domain).map_err(|_| "the part after `@` is not a domain name such as example.fi")
}

/// A domain name with at least one dot and a letter top-level domain.
fn hostname(host: &str) -> Result<(), ()> {
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return Err(());
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld = labels.last().expect("two labels");
    if labels.iter().all(label_ok) && tld.chars().all(char::is_alphabetic) && tld.len() >= 2 {
        Ok(())
    } else {
        Err(())
    }
}

/// An absolute `http://` or `https://` address of a named host. Other schemes (`javascript:`,
/// `data:`, `ftp:`) are refused because the value ends up in a link.
pub fn web_url(value: &str) -> Result<(), &'static str> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("it must start with https:// (or http://)")?;
    if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"'`\\{}|^".contains(c))
    {
        return Err("it contains spaces or characters that do not belong in an address");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("it must not contain a user name or password");
    }
    let host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(authority, |(h, _)| h);
    hostname(host).map_err(|_| "it has no valid host name such as www.example.fi")
}

/// The digits of a Finnish phone number in international form (`+358105550103`), or why the
/// value is not one. Spaces and hyphens are allowed as separators; a national number starts with
/// 0 (`010 555 0103`, `040 123 4567`, `03 123 4567`), an international one with +358.
pub fn phone(value: &str) -> Result<String, &'static str> {
    let compact: String = value.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let (national, digits) = if let Some(rest) = compact.strip_prefix("+358") {
        (rest.strip_prefix('0').unwrap_or(rest).to_string(), true)
    } else if let Some(rest) = compact.strip_prefix('0') {
        (rest.to_string(), true)
    } else {
        (String::new(), false)
    };
    if !digits {
        return Err("it must start with 0 or +358");
    }
    if !national.chars().all(|c| c.is_ascii_digit()) {
        return Err("it may hold only digits, spaces and hyphens");
    }
    if !(5..=10).contains(&national.len()) {
        return Err("it has too few or too many digits");
    }
    Ok(format!("+358{national}"))
}

/// The postal code and town of an address written `Katu 1, 33470 Ylöjärvi`.
pub fn postal_address(value: &str) -> Result<(&str, &str), &'static str> {
    let last = value.rsplit(',').next().unwrap_or("").trim();
    let (code, town) = last.split_once(' ').unwrap_or((last, ""));
    if code.len() != 5 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err("it does not end with a five-digit postal code and a town");
    }
    if town.trim().is_empty() {
        return Err("the postal code is not followed by a town");
    }
    Ok((code, town.trim()))
}

/// A Y-tunnus `NNNNNNN-C` whose check digit matches: digits weighted 7, 9, 10, 5, 8, 4, 2,
/// sum mod 11; remainder 0 gives check digit 0, remainder 1 is never issued, otherwise 11 − r.
pub fn business_id(value: &str) -> Result<(), String> {
    let bytes = value.as_bytes();
    let shape_ok = bytes.len() == 9
        && bytes[7] == b'-'
        && bytes[..7].iter().all(u8::is_ascii_digit)
        && bytes[8].is_ascii_digit();
    if !shape_ok {
        return Err("it must be seven digits, a hyphen and a check digit, e.g. 1234567-1".into());
    }
    let sum: u32 = bytes[..7]
        .iter()
        .zip([7, 9, 10, 5, 8, 4, 2])
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let expected = match sum % 11 {
        0 => 0,
        1 => {
            return Err(
                "no Y-tunnus has these seven digits (their checksum remainder is 1)".into(),
            );
        }
        r => 11 - r,
    };
    let given = u32::from(bytes[8] - b'0');
    if given == expected {
        Ok(())
    } else {
        Err(format!(
            "its check digit is {given} but the digits give {expected}; check the number in the YTJ register"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("info@example.fi").is_ok());
        assert!(email("etu.suku+x@ala.example.fi").is_ok());
        for bad in [
            "info",
            "@example.fi",
            "a@b",
            "a b@example.fi",
            "a@@example.fi",
            "a@example.f1",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_http_only() {
        assert!(web_url("https://www.example.fi/").is_ok());
        assert!(web_url("http://example.fi:8080/a?b#c").is_ok());
        for bad in [
            "javascript:alert(1)",
            "www.example.fi",
            "https://",
            "https://exa mple.fi",
            "https://user@example.fi",
            "data:text/html,x",
            "https://example.fi/\"onmouseover=x",
        ] {
            assert!(web_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(phone("010 555 0103").unwrap(), "+358105550103");
        assert_eq!(phone("+358 40 123 4567").unwrap(), "+358401234567");
        assert_eq!(phone("03-123 4567").unwrap(), "+35831234567");
        for bad in [
            "555 0103",
            "010 555 01x3",
            "0123",
            "+46 70 123 4567",
            "010 555 0103 0000 00",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn postal_codes() {
        assert_eq!(
            postal_address("Keräkuja 1, 39310 Viljakkala").unwrap(),
            ("39310", "Viljakkala")
        );
        for bad in [
            "Keräkuja 1, 3931 Viljakkala",
            "Keräkuja 1",
            "Keräkuja 1, 39310",
            "Katu 1, 333100 X",
        ] {
            assert!(postal_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn business_id_check_digits() {
        // 0000006: 6 × 2 = 12, 12 mod 11 = 1 → no valid check digit exists.
        assert!(
            business_id("0000006-1")
                .unwrap_err()
                .contains("remainder is 1")
        );
        // 1572860: 7+45+70+10+64+24+0 = 220, mod 11 = 0 → check digit 0.
        assert!(business_id("1572860-0").is_ok());
        assert!(business_id("9990008-3").is_ok());
        assert!(
            business_id("9990008-4")
                .unwrap_err()
                .contains("check digit is 4")
        );
        assert!(business_id("999008-3").is_err());
        assert!(business_id("99900083").is_err());
    }
}
