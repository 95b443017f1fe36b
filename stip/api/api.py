from ninja import NinjaAPI

api = NinjaAPI(title="Stip API", version="1", urls_namespace="api")
