def test_sign_in_page_renders(client, db):
    response = client.get("/signin/")
    assert response.status_code == 200
    assert "Sign in to Stip" in response.content.decode()
