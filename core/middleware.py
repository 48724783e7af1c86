from django.utils import translation


class ApiLanguageMiddleware:
    """The API has no language prefix in its paths, which LocaleMiddleware reads as the default
    language (nb). API clients say what they want with Accept-Language instead; honour it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
