//! Fix texts and configuration snippets shared by the CORS rules, filled in with the real origin
//! and header names of the failing request so they can be pasted as they are. Those values come
//! from the capture, so each enters a snippet quoted for its language by `crate::quote` (or as a
//! placeholder where the language cannot quote it).

use crate::finding::Fix;
use crate::quote;

pub(crate) use crate::quote::js as js_str;

/// The items of `v`, each quoted with `q`, comma-separated (for a list literal).
fn list_of(v: &[String], q: fn(&str) -> String) -> String {
    v.iter().map(|x| q(x)).collect::<Vec<_>>().join(", ")
}

/// `v` as one header-value list (`A, B`) for an HTTP snippet line; a name with a control
/// character becomes a placeholder.
fn http_list(v: &[String], placeholder: &str) -> String {
    v.iter().map(|x| quote::for_lang("http", x, placeholder)).collect::<Vec<_>>().join(", ")
}

/// `v` as one double-quoted nginx string (`"A, B"`), or a placeholder when nginx cannot quote it.
fn nginx_list(v: &[String], placeholder: &str) -> String {
    quote::for_lang("nginx", &v.join(", "), placeholder)
}

/// The Apache argument for `SetEnvIf Origin`: the regular expression of [`regex_of`], written
/// between plain double quotes as before when it holds no character Apache reads specially
/// there (a regex escape `\.` stays `\.`; only `\\` and `\"` are collapsed), else quoted by
/// [`quote::apache`] or a placeholder.
fn apache_origin_regex(origin: &str) -> String {
    let re = regex_of(origin);
    if shown(origin).chars().any(|c| matches!(c, '"' | '\\' | '%' | '$') || c.is_control()) {
        quote::for_lang("apache", &re, "origin regex")
    } else {
        format!("\"{re}\"")
    }
}

/// An API Gateway static header value (`"'value'"`: a single-quoted literal inside a YAML
/// double-quoted string); a placeholder when the value holds a quote, backslash or control
/// character, since the literal has no escape.
fn gateway_literal(origin: &str) -> String {
    let safe = !origin.chars().any(|c| matches!(c, '\'' | '"' | '\\') || c.is_control());
    format!("\"'{}'\"", if safe { origin } else { "<origin>" })
}

/// The origin to put in snippets: the request's own, or a placeholder when it is `null`.
fn shown(origin: &str) -> &str {
    if origin == "null" || origin.is_empty() { "https://app.example.com" } else { origin }
}

/// A regular expression matching exactly `origin` (for Apache `SetEnvIf`).
fn regex_of(origin: &str) -> String {
    let mut s = String::from("^");
    for c in shown(origin).chars() {
        if ".+*?()[]{}|^$\\".contains(c) {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('$');
    s
}

/// Adds the standard server snippets for credentialed CORS on every response, error
/// responses included (nginx `always`, Apache `Header always`, Express `cors()` before auth,
/// ASP.NET Core `UseCors` before `UseAuthentication`, Spring `http.cors`, API Gateway).
pub(super) fn cors_on_all_responses(fix: Fix, origin: &str, credentials: bool) -> Fix {
    let o = shown(origin);
    let o_nginx = quote::for_lang("nginx", o, "origin");
    let o_js = js_str(o);
    let o_c = quote::c_string(o);
    let o_gw = gateway_literal(o);
    let acac_nginx = if credentials { "\n    add_header Access-Control-Allow-Credentials true always;" } else { "" };
    let acac_apache =
        if credentials { "\nHeader always set Access-Control-Allow-Credentials \"true\" env=CORS_ORIGIN" } else { "" };
    let creds_js = if credentials { ", credentials: true" } else { "" };
    let creds_cs = if credentials { ".AllowCredentials()" } else { "" };
    let creds_java = if credentials { "\n    c.setAllowCredentials(true);" } else { "" };
    let creds_gw = if credentials { "\n        Access-Control-Allow-Credentials: \"'true'\"" } else { "" };
    fix.snippet(
        "nginx",
        format!(
            "# `always` adds the headers to 401/403/5xx too (without it only to 2xx/3xx)\n\
             map $http_origin $cors_origin {{ default \"\"; {o_nginx} $http_origin; }}\n\
             location /api/ {{\n    add_header Access-Control-Allow-Origin $cors_origin always;{acac_nginx}\n    add_header Vary Origin always;\n    proxy_pass http://app;\n}}"
        ),
    )
    .snippet(
        "apache",
        format!(
            "# `Header always` also applies to error responses\nSetEnvIf Origin {} CORS_ORIGIN=$0\n\
             Header always set Access-Control-Allow-Origin \"%{{CORS_ORIGIN}}e\" env=CORS_ORIGIN{acac_apache}\nHeader always merge Vary Origin",
            apache_origin_regex(origin)
        ),
    )
    .snippet(
        "express",
        format!(
            "const cors = require('cors');\n// register CORS before any auth middleware, so 401s carry the headers too\n\
             app.use(cors({{ origin: [{o_js}]{creds_js} }}));\napp.use(authenticate);"
        ),
    )
    .snippet(
        "aspnet",
        format!(
            "builder.Services.AddCors(o => o.AddDefaultPolicy(p => p\n    .WithOrigins({o_c}){creds_cs}\n    .AllowAnyMethod()\n    .WithHeaders(\"Authorization\", \"Content-Type\")));\n\
             // order matters: CORS before authentication\napp.UseRouting();\napp.UseCors();\napp.UseAuthentication();\napp.UseAuthorization();"
        ),
    )
    .snippet(
        "spring",
        format!(
            "http.cors(Customizer.withDefaults()); // Spring Security's CorsFilter runs before authentication\n\n\
             @Bean\nCorsConfigurationSource corsConfigurationSource() {{\n    CorsConfiguration c = new CorsConfiguration();\n    c.setAllowedOrigins(List.of({o_c}));{creds_java}\n    c.setAllowedMethods(List.of(\"GET\", \"POST\", \"PUT\", \"PATCH\", \"DELETE\"));\n    c.setAllowedHeaders(List.of(\"Authorization\", \"Content-Type\"));\n    UrlBasedCorsConfigurationSource s = new UrlBasedCorsConfigurationSource();\n    s.registerCorsConfiguration(\"/**\", c);\n    return s;\n}}"
        ),
    )
    .snippet(
        "yaml",
        format!(
            "# AWS SAM / API Gateway (REST): the gateway's own 401/403 answers need CORS headers too\n\
             GatewayResponses:\n  DEFAULT_4XX:\n    ResponseParameters:\n      Headers:\n        Access-Control-Allow-Origin: {o_gw}{creds_gw}\n  UNAUTHORIZED:\n    ResponseParameters:\n      Headers:\n        Access-Control-Allow-Origin: {o_gw}{creds_gw}"
        ),
    )
}

/// Snippets that answer `OPTIONS` before the authentication layer runs.
pub(super) fn preflight_before_auth(fix: Fix, origin: &str, method: &str, headers: &[String]) -> Fix {
    let o = shown(origin);
    let o_nginx = quote::for_lang("nginx", o, "origin");
    let methods = quote::for_lang("nginx", &format!("GET, POST, {method}"), "methods");
    let headers = nginx_list(headers, "header names");
    let o_js = js_str(o);
    fix.snippet(
        "nginx",
        format!(
            "map $http_origin $cors_origin {{ default \"\"; {o_nginx} $http_origin; }}\n\
             location /api/ {{\n    if ($request_method = OPTIONS) {{   # rewrite phase: runs before auth_basic / auth_request\n        add_header Access-Control-Allow-Origin $cors_origin always;\n        add_header Access-Control-Allow-Credentials true always;\n        add_header Access-Control-Allow-Methods {methods} always;\n        add_header Access-Control-Allow-Headers {headers} always;\n        add_header Access-Control-Max-Age 600 always;\n        add_header Vary Origin always;\n        return 204;\n    }}\n    auth_request /auth;\n    proxy_pass http://app;\n}}"
        ),
    )
    .snippet("apache", "<LimitExcept OPTIONS>\n    Require valid-user\n</LimitExcept>")
    .snippet(
        "express",
        format!(
            "const corsOptions = {{ origin: [{o_js}], credentials: true }};\napp.options('*', cors(corsOptions)); // answer preflights first\napp.use(cors(corsOptions));\napp.use(authenticate);"
        ),
    )
    .snippet("aspnet", "app.UseRouting();\napp.UseCors();            // answers OPTIONS before authentication\napp.UseAuthentication();\napp.UseAuthorization();")
    .snippet("spring", "http.cors(Customizer.withDefaults()); // lets pre-flight requests through before authentication")
    .snippet("shell", "# oauth2-proxy\noauth2-proxy --skip-auth-preflight=true …")
}

/// Snippets for listing request headers in `Access-Control-Allow-Headers`.
pub(super) fn allow_headers(fix: Fix, names: &[String]) -> Fix {
    fix.snippet("http", format!("Access-Control-Allow-Headers: {}", http_list(names, "header name")))
        .snippet(
            "nginx",
            format!("add_header Access-Control-Allow-Headers {} always;", nginx_list(names, "header names")),
        )
        .snippet("express", format!("app.use(cors({{ allowedHeaders: [{}] }}));", list_of(names, js_str)))
        .snippet("aspnet", format!("p.WithHeaders({});", list_of(names, quote::c_string)))
        .snippet("spring", format!("c.setAllowedHeaders(List.of({}));", list_of(names, quote::c_string)))
}

/// Snippets for listing methods in `Access-Control-Allow-Methods`.
pub(super) fn allow_methods(fix: Fix, methods: &[String]) -> Fix {
    fix.snippet("http", format!("Access-Control-Allow-Methods: {}", http_list(methods, "method")))
        .snippet("nginx", format!("add_header Access-Control-Allow-Methods {} always;", nginx_list(methods, "methods")))
        .snippet("express", format!("app.use(cors({{ methods: [{}] }}));", list_of(methods, js_str)))
        .snippet("aspnet", format!("p.WithMethods({});", list_of(methods, quote::c_string)))
        .snippet("spring", format!("c.setAllowedMethods(List.of({}));", list_of(methods, quote::c_string)))
}

/// Snippets that echo one allow-listed origin (instead of `*`, a list, or a fixed wrong value).
pub(super) fn echo_origin(fix: Fix, origin: &str, credentials: bool) -> Fix {
    cors_on_all_responses(fix, origin, credentials)
}
