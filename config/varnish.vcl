vcl 4.1;

# Varnish in front of Carnet, keeping anonymous pages for hours and forgetting exactly
# the pages a change touched: Carnet names what each page shows in its xkey header and,
# with PURGE_URL=http://127.0.0.1:6081/, sends the tags each change touched.
# Debian: apt install varnish varnish-modules. docs/deploy.md explains each part;
# tests/test_varnish.py runs it. Change the backend's port to gunicorn's.

import xkey;

backend carnet {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: Carnet's task worker, on this machine. A purge is soft: the pages it
# names are served in grace (stale) while one request to Carnet renders each again, so
# that no reader waits for a render, however popular the page.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/") {
        return (pass);
    }
    # A reader who carries one of Carnet's cookies is answered privately, as Carnet does.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken|messages|carnet_pending|carnet_commenter)=") {
        return (pass);
    }
    # Any other cookie on the domain changes nothing Carnet shows.
    unset req.http.Cookie;
    return (hash);
}

# How long a page is kept comes from Carnet: s-maxage (PAGE_KEEP_SECONDS, minus its Age),
# then stale-while-revalidate as grace; private answers and cookies are never kept.

sub vcl_backend_response {
    # A public answer with no lifetime left: a copy Carnet served stale while it renders
    # the page again (s-maxage=0), also when it comes as a 304 to Varnish's conditional
    # request (the copy's headers are then Varnish's old ones, without Carnet's
    # "detail=stale"), or a page whose freshness ends now. Kept a second, then asked
    # for again while it is served in grace. Left to the built-in rules, a zero lifetime
    # makes the page a "hit-for-miss" for two minutes: every request for it goes to
    # Carnet, none collapsed into one.
    if (beresp.ttl <= 0s && beresp.http.Cache-Control ~ "public") {
        set beresp.ttl = 1s;
    }
}

sub vcl_deliver {
    # The tags are for this cache; readers need not carry them.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    # Where the answer came from (RFC 9211), after Carnet's own cache's entry.
    if (obj.hits > 0 && obj.ttl <= 0s) {
        # In grace: soft-purged or expired, served while Carnet is asked again.
        set req.http.X-Cache-Status = "Varnish; hit; detail=stale";
    } elsif (obj.hits > 0) {
        set req.http.X-Cache-Status = "Varnish; hit";
    } else {
        set req.http.X-Cache-Status = "Varnish; fwd=miss";
    }
    if (resp.http.Cache-Status) {
        set resp.http.Cache-Status = resp.http.Cache-Status + ", " + req.http.X-Cache-Status;
    } else {
        set resp.http.Cache-Status = req.http.X-Cache-Status;
    }
}
