"""Profile photos and stored media: checked, resized, oriented, stripped of metadata, served safely."""
import io

import pytest
from PIL import Image


@pytest.fixture
def app_config():
    return {"content": {"max_upload_mb": 1}}


@pytest.fixture
def owner(make_user):
    return make_user("olga@example.com", name="Olga Owner")


def image_bytes(fmt="PNG", size=(1200, 800), color=(200, 30, 30), exif=None, mode="RGB"):
    out = io.BytesIO()
    image = Image.new(mode, size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0110] = "Model X"
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 29.0)
    gps[3] = "E"
    gps[4] = (2.0, 17.0, 40.0)
    return exif


def upload(client, data, filename="me.png"):
    return client.post("/people/olga/edit", data={"photo": (io.BytesIO(data), filename), "bio": "kept bio"},
                       content_type="multipart/form-data")


def served_photo(client):
    from agora.accounts.models import User
    from agora.extensions import db
    db.session.expire_all()
    user = db.session.scalar(db.select(User).where(User.handle == "olga"))
    assert user.profile.photo_id, "no photo stored"
    page = client.get("/people/olga").get_data(as_text=True)
    assert f'src="/media/{user.profile.photo_id}"' in page
    return client.get(f"/media/{user.profile.photo_id}")


def test_png_is_resized_and_served_with_nosniff(client, login, owner):
    login(owner)
    assert upload(client, image_bytes("PNG")).status_code == 302
    response = served_photo(client)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "private" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data))
    assert max(image.size) == 512 and image.size == (512, 341)
    again = client.get(response.request.path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_jpeg_exif_gps_stripped_and_orientation_applied(client, login, owner):
    login(owner)
    original = image_bytes("JPEG", size=(800, 400), exif=gps_exif(orientation=6))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test image does carry GPS
    assert upload(client, original, "holiday.jpg").status_code == 302
    response = served_photo(client)
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (256, 512)  # rotated upright (orientation 6), then shrunk
    assert not image.getexif() and "exif" not in image.info
    assert b"SpyCam" not in response.data and b"GPS" not in response.data


def test_transparent_png_stays_png(client, login, owner):
    login(owner)
    assert upload(client, image_bytes("PNG", size=(100, 100), color=(0, 0, 0, 0), mode="RGBA")).status_code == 302
    response = served_photo(client)
    assert response.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (100, 100)


def test_replacing_a_photo_removes_the_old_one(client, login, owner):
    from agora.extensions import db
    from agora.media.models import Media
    login(owner)
    upload(client, image_bytes("PNG"))
    upload(client, image_bytes("GIF", size=(50, 50)))
    assert db.session.scalar(db.select(db.func.count()).select_from(Media)) == 1


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.4 not an image at all", "not a PNG, JPEG, GIF or WebP"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "not a PNG, JPEG, GIF or WebP"),
    (image_bytes("JPEG")[:600], "damaged"),
    (image_bytes("BMP", size=(20, 20)), "not a PNG, JPEG, GIF or WebP"),
])
def test_bad_files_are_refused_on_the_field(client, login, owner, data, message):
    login(owner)
    response = upload(client, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page.split('id="photo-error"', 1)[1].split("</ul>", 1)[0]
    assert message in error
    assert "kept bio" in page  # what was typed is not lost
    from agora.extensions import db
    db.session.expire_all()
    assert owner.profile.photo_id is None


def test_a_refused_edit_keeps_the_old_photo_and_details(client, login, owner):
    from agora.extensions import db
    from agora.media.models import Media
    login(owner)
    assert upload(client, image_bytes("PNG")).status_code == 302
    db.session.expire_all()
    first = owner.profile.photo_id
    response = client.post("/people/olga/edit", content_type="multipart/form-data", data={
        "photo": (io.BytesIO(image_bytes("GIF", size=(50, 50))), "new.gif"), "bio": "new bio", "phone": "call me"})
    assert response.status_code == 400
    assert 'id="phone-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert owner.profile.photo_id == first and owner.profile.bio_source == "kept bio"
    assert db.session.scalar(db.select(db.func.count()).select_from(Media)) == 1
    fixed = client.post("/people/olga/edit", content_type="multipart/form-data", data={
        "photo": (io.BytesIO(image_bytes("GIF", size=(50, 50))), "new.gif"), "bio": "new bio", "phone": "+33 1 23"})
    assert fixed.status_code == 302
    db.session.expire_all()
    assert owner.profile.photo_id != first and owner.profile.bio_source == "new bio"
    assert db.session.scalar(db.select(db.func.count()).select_from(Media)) == 1
    removed = client.post("/people/olga/edit", data={"bio": "new bio", "remove_photo": "y"})
    assert removed.status_code == 302
    db.session.expire_all()
    assert owner.profile.photo_id is None
    assert db.session.scalar(db.select(db.func.count()).select_from(Media)) == 0


def test_oversized_file_is_refused(client, login, owner):
    login(owner)
    big = image_bytes("PNG", size=(10, 10)) + b"\0" * (1024 * 1024 + 10)
    response = upload(client, big)
    assert response.status_code == 400
    assert "too large" in response.get_data(as_text=True)


def test_decompression_bomb_is_refused(app, owner):
    from agora.core.errors import ValidationError
    from agora.media.services import store_image
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # tiny file, 400 million pixels
    with pytest.raises(ValidationError) as caught:
        store_image(bomb.getvalue(), owner_id=owner.id)
    assert "too many pixels" in caught.value.field_errors["photo"][0]


def test_someone_else_cannot_change_my_photo(client, login, owner, make_user):
    login(make_user("otto@example.com"))
    assert upload(client, image_bytes("PNG")).status_code == 403


def test_media_needs_a_session_and_unknown_is_404(client, login, owner):
    login(owner)
    upload(client, image_bytes("PNG"))
    response = served_photo(client)
    path = response.request.path
    anonymous = client.application.test_client()
    anonymous.environ_base["wsgi.url_scheme"] = "https"
    assert anonymous.get(path).status_code == 302
    assert client.get("/media/999999").status_code == 404


def test_attachments_follow_the_media_guards(app, client, login, owner, make_user):
    from agora.core.hooks import add_hook
    from agora.extensions import db
    from agora.media.services import store_file
    pdf = store_file(b"%PDF-1.4\n%fake", owner_id=owner.id, filename='../../evil"name.pdf',
                     content_type="text/html")
    db.session.commit()
    assert pdf.content_type == "application/pdf"  # sniffed, not the client's claim
    login(owner)
    assert client.get(f"/media/{pdf.id}").status_code == 404  # nobody vouches for it yet
    add_hook(app, "media.guard", lambda user, media: None)
    add_hook(app, "media.guard", lambda user, media: media.id == pdf.id and user.id == owner.id)
    response = client.get(f"/media/{pdf.id}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="evilname.pdf"' in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    other = client.application.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    login(make_user("otto@example.com"), c=other)
    assert other.get(f"/media/{pdf.id}").status_code == 404


def test_store_file_refuses_types_outside_the_config(app, owner):
    from agora.core.errors import ValidationError
    from agora.media.services import store_file
    with pytest.raises(ValidationError):
        store_file(b"MZ\x90\x00\x03\x00\x00\x00binary", owner_id=owner.id, filename="x.pdf",
                   content_type="application/pdf")
    with pytest.raises(ValidationError):
        store_file(b"", owner_id=owner.id, filename="empty.txt", content_type="text/plain")
