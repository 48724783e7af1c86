from django.utils import translation


class ApiLanguageMiddleware:
    """The API has no language prefix in its paths, which LocaleMiddleware reads as the default
    language (nb). API clients say what they want with Accept-Language instead; honour it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response
