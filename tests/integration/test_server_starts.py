from tests.support.servers import ServerProcess


def test_server_answers_health_and_openapi(server: ServerProcess) -> None:
    with server.client() as client:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/api/admin/openapi.json").status_code == 200
