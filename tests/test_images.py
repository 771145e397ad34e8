"""The image loaders: IDX files (good, gzipped and corrupt), the digits, scaling and batches."""

import gzip
import os
import re
import tracemalloc

import numpy as np
import pytest

import minigan
from minigan.data import BatchSampler, ImageData, load_digits, load_idx_folder, read_idx, to_unit_range


def idx_bytes(array, code=0x08):
    """``array`` in the IDX format, written out by hand: magic, big-endian dimensions, data."""
    dtype = {0x08: ">u1", 0x0B: ">i2", 0x0D: ">f4"}[code]
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + np.asarray(array, dtype=dtype).tobytes()


def write_mnist(folder, n_train=6, n_test=4, size=8, gz=False, seed=0):
    """A tiny MNIST-style folder with random images and labels; returns the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, size, size)).astype(np.uint8)
        labels = (rng.permutation(n) % 10).astype(np.uint8)  # classes 0 to min(n, 10) - 1, none missing
        for kind, array, dims in (("images", images, 3), ("labels", labels, 1)):
            data = idx_bytes(array)
            name = f"{prefix}-{kind}-idx{dims}-ubyte" + (".gz" if gz else "")
            (folder / name).write_bytes(gzip.compress(data) if gz else data)
        arrays[prefix] = images, labels
    return arrays


@pytest.mark.parametrize("code, values", [(0x08, [[0, 7, 255], [1, 2, 3]]), (0x0B, [[-300, 2, 7]]),
                                          (0x0D, [[0.5, -1.25]])])
def test_read_idx_reads_every_type_and_shape(tmp_path, code, values):
    array = np.array(values)
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(array, code))
    got = read_idx(path)
    assert got.shape == array.shape and np.array_equal(got, array)
    assert got.dtype.isnative


def test_read_idx_reads_gzip(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "x.idx.gz").write_bytes(gzip.compress(idx_bytes(array)))
    assert np.array_equal(read_idx(tmp_path / "x.idx.gz"), array)


GOOD = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))


@pytest.mark.parametrize("data, message", [
    (b"\x00\x00", "truncated IDX file: 2 bytes"),
    (b"\x01" + GOOD[1:], "bad IDX magic number 0x01000802"),
    (GOOD[:2] + b"\x07" + GOOD[3:], "bad IDX magic number 0x00000702"),
    (GOOD[:3] + b"\x00", "bad IDX magic number 0x00000800"),
    (GOOD[:9], "truncated IDX header: 2 dimensions need 12 bytes, the file has 9"),
    (GOOD[:-1], "truncated IDX file: dimensions (3, 4) of uint8 need 24 bytes, the file has 23"),
    (GOOD + b"\x00", "too long IDX file"),
])
def test_corrupt_idx_files_name_the_file_and_the_problem(tmp_path, data, message):
    path = tmp_path / "bad-images-idx3-ubyte"
    path.write_bytes(data)
    with pytest.raises(ValueError) as info:
        read_idx(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_broken_gzip_and_missing_file_are_clear(tmp_path):
    cut = tmp_path / "cut.idx.gz"
    cut.write_bytes(gzip.compress(GOOD)[:-6])
    with pytest.raises(ValueError, match="cut.idx.gz: unreadable gzip file"):
        read_idx(cut)
    with pytest.raises(FileNotFoundError, match="no IDX file at .*nothing.idx"):
        read_idx(tmp_path / "nothing.idx")
    with pytest.raises(ValueError, match="is a folder, not an IDX file"):
        read_idx(tmp_path)


@pytest.mark.parametrize("gz", [False, True])
def test_idx_folder_loads_both_splits_scaled_to_minus_one_one(tmp_path, gz):
    arrays = write_mnist(tmp_path, gz=gz)
    train, test = load_idx_folder(str(tmp_path))
    for data, prefix in ((train, "train"), (test, "t10k")):
        images, labels = arrays[prefix]
        assert data.images.shape == (len(images), 1, 8, 8) and data.images.dtype == np.float32
        np.testing.assert_allclose(minigan.to_numpy(data.images)[:, 0], images / 127.5 - 1, atol=1e-6)
        assert np.array_equal(minigan.to_numpy(data.labels), labels)


def test_idx_folder_problems_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        load_idx_folder(str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="no images file for the 'train' split"):
        load_idx_folder(str(tmp_path))
    write_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(3, dtype=np.uint8)))
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte: expected 4 labels"):
        load_idx_folder(str(tmp_path))
    (tmp_path / "train-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((6, 8), dtype=np.uint8)))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: expected uint8 images \(N, H, W\)"):
        load_idx_folder(str(tmp_path))


def test_to_unit_range_maps_the_ends_to_minus_one_and_one():
    scaled = to_unit_range(np.array([[[0, 8, 16]]]), 16.0)
    assert scaled.shape == (1, 1, 1, 3) and scaled.dtype == np.float32
    assert np.array_equal(scaled[0, 0, 0], [-1.0, 0.0, 1.0])


def test_image_data_checks_its_shapes():
    with pytest.raises(ValueError, match=r"images must have shape \(N, C, H, W\)"):
        ImageData(np.zeros((3, 8, 8)), np.zeros(3), "x")
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        ImageData(np.zeros((3, 1, 8, 8)), np.zeros(2), "x")


def test_batch_sampler_shuffles_each_epoch_and_is_seeded(xp):
    sampler = BatchSampler(10)
    epoch = np.concatenate([minigan.to_numpy(sampler.next(5)) for _ in range(2)])
    assert sorted(epoch) == list(range(10))  # every item once per epoch
    next_epoch = minigan.to_numpy(sampler.next(4))  # 4 fit into a fresh epoch
    assert len(set(next_epoch)) == 4
    minigan.manual_seed(0)
    first = BatchSampler(10)
    a = [minigan.to_numpy(first.next(3)) for _ in range(5)]
    minigan.manual_seed(0)
    second = BatchSampler(10)
    assert all(np.array_equal(x, minigan.to_numpy(second.next(3))) for x in a)
    with pytest.raises(ValueError, match=r"batch_size must be in \[1, 10\]"):
        sampler.next(11)


def test_batch_sampler_state_continues_the_same_order(xp):
    sampler = BatchSampler(7)
    sampler.next(3)
    state = {k: minigan.to_numpy(v) if k == "order" else v for k, v in sampler.state.items()}
    rng_state = minigan.backend.get_rng_state()
    expected = [minigan.to_numpy(sampler.next(3)) for _ in range(4)]
    restored = BatchSampler(7)
    restored.load_state(state)
    minigan.backend.set_rng_state(rng_state)
    assert all(np.array_equal(e, minigan.to_numpy(restored.next(3))) for e in expected)


def test_digits_are_real_8x8_images_in_minus_one_one():
    pytest.importorskip("sklearn", reason="the 8x8 digits need scikit-learn: pip install -e '.[digits]'")
    train, test = load_digits()
    assert len(train) + len(test) == 1797 and len(test) == 539
    assert train.images.shape[1:] == (1, 8, 8) and train.n_classes == test.n_classes == 10
    pixels = minigan.to_numpy(train.images)
    assert pixels.min() == -1.0 and pixels.max() == 1.0
    again, _ = load_digits()
    assert np.array_equal(minigan.to_numpy(again.labels), minigan.to_numpy(train.labels))  # a fixed split


def test_missing_scikit_learn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "sklearn.datasets", None)  # import fails
    with pytest.raises(ImportError, match=r'pip install -e "\.\[digits\]"'):
        load_digits()


def test_labels_are_checked_when_the_data_loads(tmp_path):
    write_mnist(tmp_path)
    labels = tmp_path / "train-labels-idx1-ubyte"
    for array, code, message in ((np.array([0, 1, 2, 3, 4, 5.5]), 0x0D, "labels must be integer class indices, "
                                  "got float32"),
                                 (np.array([0, 1, 2, 3, 4, 255]), 0x08, "the labels go up to 255 but no item has "
                                  "class 5; class indices must run from 0 without a gap"),
                                 (np.array([0, 1, 2, 3, 4, -1]), 0x0B, "label -1 (item 5) is not a class index >= 0")):
        labels.write_bytes(idx_bytes(array, code))
        with pytest.raises(ValueError, match=re.escape(f"{labels}: {message}")):
            load_idx_folder(str(tmp_path))
    write_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.array([0, 1, 2, 9])))  # train has 0-5
    with pytest.raises(ValueError, match=r"label 9 \(item 3\) is not a class index in \[0, 6\)"):
        load_idx_folder(str(tmp_path))
    with pytest.raises(ValueError, match="labels must be integer class indices"):
        ImageData(np.zeros((2, 1, 8, 8)), np.array([0.0, 1.7]), "x")


def test_both_splits_must_have_one_image_size(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((4, 28, 28), dtype=np.uint8)))
    with pytest.raises(ValueError, match="the t10k images are 28x28, the train images 8x8; both splits must"):
        load_idx_folder(str(tmp_path))


def test_dimensions_whose_product_overflows_64_bits_are_refused_naming_the_file(tmp_path):
    path = tmp_path / "huge-images-idx3-ubyte"
    path.write_bytes(bytes([0, 0, 0x08, 3]) + (2**32 - 1).to_bytes(4, "big") * 3 + bytes(16))
    with pytest.raises(ValueError, match=re.escape(f"{path}: IDX dimensions (4294967295, 4294967295, 4294967295) "
                                                   "of uint8 need 79228162458924105385300197391 bytes, more than")):
        read_idx(path)


def test_gzip_is_read_as_a_stream_up_to_what_its_header_asks(tmp_path):
    """A gzip bomb (10 values declared, 64 MB inside) is refused after reading 11 values, and a
    header that asks for more than the limit before reading any."""
    bomb = tmp_path / "bomb-idx1-ubyte.gz"
    bomb.write_bytes(gzip.compress(bytes([0, 0, 0x08, 1]) + (10).to_bytes(4, "big") + bytes(64 << 20), 1))
    tracemalloc.start()
    with pytest.raises(ValueError, match=re.escape("too long IDX file: dimensions (10,) of uint8 need 18 bytes, "
                                                   "the file has more")):
        read_idx(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20, f"read {peak} bytes into memory"
    large = tmp_path / "large-idx1-ubyte"
    large.write_bytes(idx_bytes(np.zeros(1000, np.uint8)))
    with pytest.raises(ValueError, match="need 1008 bytes, more than the 100 minigan reads"):
        read_idx(large, max_bytes=100)


def test_a_fifo_in_the_data_folder_is_named_not_waited_for(tmp_path):
    write_mnist(tmp_path)
    fifo = tmp_path / "train-images-idx3-ubyte"
    fifo.unlink()
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte is a FIFO \\(named pipe\\), not an IDX file"):
        load_idx_folder(str(tmp_path))


def test_a_saved_batch_order_must_be_a_permutation(xp):
    sampler = BatchSampler(4)
    for state, message in (({"order": np.array([0, 1, 1, 3]), "position": 0}, "not a permutation of the 4"),
                           ({"order": np.array([0.0, 1, 2, 3]), "position": 0}, "holds float64"),
                           ({"order": np.arange(4), "position": 9}, r"position must be an integer in \[0, 4\]"),
                           ({"order": np.arange(4)}, "a dict with an order and a position")):
        with pytest.raises(ValueError, match=message):
            sampler.load_state(state)
