//! Fix texts and configuration snippets shared by the CORS rules, filled in with the real origin
//! and header names of the failing request so they can be pasted as they are.

use crate::finding::Fix;

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
             map $http_origin $cors_origin {{ default \"\"; \"{o}\" $http_origin; }}\n\
             location /api/ {{\n    add_header Access-Control-Allow-Origin $cors_origin always;{acac_nginx}\n    add_header Vary Origin always;\n    proxy_pass http://app;\n}}"
        ),
    )
    .snippet(
        "apache",
        format!(
            "# `Header always` also applies to error responses\nSetEnvIf Origin \"{}\" CORS_ORIGIN=$0\n\
             Header always set Access-Control-Allow-Origin \"%{{CORS_ORIGIN}}e\" env=CORS_ORIGIN{acac_apache}\nHeader always merge Vary Origin",
            regex_of(origin)
        ),
    )
    .snippet(
        "express",
        format!(
            "const cors = require('cors');\n// register CORS before any auth middleware, so 401s carry the headers too\n\
             app.use(cors({{ origin: ['{o}']{creds_js} }}));\napp.use(authenticate);"
        ),
    )
    .snippet(
        "aspnet",
        format!(
            "builder.Services.AddCors(o => o.AddDefaultPolicy(p => p\n    .WithOrigins(\"{o}\"){creds_cs}\n    .AllowAnyMethod()\n    .WithHeaders(\"Authorization\", \"Content-Type\")));\n\
             // order matters: CORS before authentication\napp.UseRouting();\napp.UseCors();\napp.UseAuthentication();\napp.UseAuthorization();"
        ),
    )
    .snippet(
        "spring",
        format!(
            "http.cors(Customizer.withDefaults()); // Spring Security's CorsFilter runs before authentication\n\n\
             @Bean\nCorsConfigurationSource corsConfigurationSource() {{\n    CorsConfiguration c = new CorsConfiguration();\n    c.setAllowedOrigins(List.of(\"{o}\"));{creds_java}\n    c.setAllowedMethods(List.of(\"GET\", \"POST\", \"PUT\", \"PATCH\", \"DELETE\"));\n    c.setAllowedHeaders(List.of(\"Authorization\", \"Content-Type\"));\n    UrlBasedCorsConfigurationSource s = new UrlBasedCorsConfigurationSource();\n    s.registerCorsConfiguration(\"/**\", c);\n    return s;\n}}"
        ),
    )
    .snippet(
        "yaml",
        format!(
            "# AWS SAM / API Gateway (REST): the gateway's own 401/403 answers need CORS headers too\n\
             GatewayResponses:\n  DEFAULT_4XX:\n    ResponseParameters:\n      Headers:\n        Access-Control-Allow-Origin: \"'{o}'\"{creds_gw}\n  UNAUTHORIZED:\n    ResponseParameters:\n      Headers:\n        Access-Control-Allow-Origin: \"'{o}'\"{creds_gw}"
        ),
    )
}

/// Snippets that answer `OPTIONS` before the authentication layer runs.
pub(super) fn preflight_before_auth(fix: Fix, origin: &str, method: &str, headers: &str) -> Fix {
    let o = shown(origin);
    fix.snippet(
        "nginx",
        format!(
            "map $http_origin $cors_origin {{ default \"\"; \"{o}\" $http_origin; }}\n\
             location /api/ {{\n    if ($request_method = OPTIONS) {{   # rewrite phase: runs before auth_basic / auth_request\n        add_header Access-Control-Allow-Origin $cors_origin always;\n        add_header Access-Control-Allow-Credentials true always;\n        add_header Access-Control-Allow-Methods \"GET, POST, {method}\" always;\n        add_header Access-Control-Allow-Headers \"{headers}\" always;\n        add_header Access-Control-Max-Age 600 always;\n        add_header Vary Origin always;\n        return 204;\n    }}\n    auth_request /auth;\n    proxy_pass http://app;\n}}"
        ),
    )
    .snippet("apache", "<LimitExcept OPTIONS>\n    Require valid-user\n</LimitExcept>")
    .snippet(
        "express",
        format!(
            "const corsOptions = {{ origin: ['{o}'], credentials: true }};\napp.options('*', cors(corsOptions)); // answer preflights first\napp.use(cors(corsOptions));\napp.use(authenticate);"
        ),
    )
    .snippet("aspnet", "app.UseRouting();\napp.UseCors();            // answers OPTIONS before authentication\napp.UseAuthentication();\napp.UseAuthorization();")
    .snippet("spring", "http.cors(Customizer.withDefaults()); // lets pre-flight requests through before authentication")
    .snippet("shell", "# oauth2-proxy\noauth2-proxy --skip-auth-preflight=true …")
}

/// Snippets for listing request headers in `Access-Control-Allow-Headers`.
pub(super) fn allow_headers(fix: Fix, list: &str) -> Fix {
    let quoted: Vec<String> = list.split(", ").map(|h| format!("'{h}'")).collect();
    let dq: Vec<String> = list.split(", ").map(|h| format!("\"{h}\"")).collect();
    fix.snippet("http", format!("Access-Control-Allow-Headers: {list}"))
        .snippet("nginx", format!("add_header Access-Control-Allow-Headers \"{list}\" always;"))
        .snippet("express", format!("app.use(cors({{ allowedHeaders: [{}] }}));", quoted.join(", ")))
        .snippet("aspnet", format!("p.WithHeaders({});", dq.join(", ")))
        .snippet("spring", format!("c.setAllowedHeaders(List.of({}));", dq.join(", ")))
}

/// Snippets for listing methods in `Access-Control-Allow-Methods`.
pub(super) fn allow_methods(fix: Fix, list: &str) -> Fix {
    let quoted: Vec<String> = list.split(", ").map(|h| format!("'{h}'")).collect();
    let dq: Vec<String> = list.split(", ").map(|h| format!("\"{h}\"")).collect();
    fix.snippet("http", format!("Access-Control-Allow-Methods: {list}"))
        .snippet("nginx", format!("add_header Access-Control-Allow-Methods \"{list}\" always;"))
        .snippet("express", format!("app.use(cors({{ methods: [{}] }}));", quoted.join(", ")))
        .snippet("aspnet", format!("p.WithMethods({});", dq.join(", ")))
        .snippet("spring", format!("c.setAllowedMethods(List.of({}));", dq.join(", ")))
}

/// Snippets that echo one allow-listed origin (instead of `*`, a list, or a fixed wrong value).
pub(super) fn echo_origin(fix: Fix, origin: &str, credentials: bool) -> Fix {
    cors_on_all_responses(fix, origin, credentials)
}
