from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from sitewide.http import is_site_path
from wordpress.models import WORDPRESS_QUERY_KEYS, OldAddress


class OldAddressMiddleware:
    """Old WordPress addresses answer 301 to what their item became.

    Only a request Carnet itself cannot answer (a 404), or the home page asked with a
    WordPress query (/?p=12), looks in the table: every other page costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        if request.path_info == "/" and not request.GET.keys().isdisjoint(WORDPRESS_QUERY_KEYS):
            redirect = self._redirect(request)
            if redirect:
                return redirect
        response = self.get_response(request)
        if response.status_code == 404:
            return self._redirect(request) or response
        return response

    def _redirect(self, request: HttpRequest) -> HttpResponse | None:
        address = OldAddress.objects.find(request.path_info, request.GET)
        url = address.new_url() if address else ""
        # Never to itself (an item whose page is gone: an author with nothing published),
        # and never off the site, whatever an imported record says.
        if not url or url == request.path or not is_site_path(url):
            return None
        return HttpResponsePermanentRedirect(url)
