#include "cordon/content/pdq.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <vector>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "cordon/content/image.h"

// Hashes must equal the reference's bit for bit, so float expressions are evaluated exactly as
// written: no fused multiply-adds.
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

namespace cordon {
namespace {

constexpr int kLoaderDim = 512;     // the reference loader's resize target
constexpr int kMinHashableDim = 5;  // smaller images get the zero hash, quality 0

// Window of the box filter that takes `dim` samples towards 64: ceil(dim / 128).
int JaroszWindow(int dim) { return (dim + 2 * 64 - 1) / (2 * 64); }

// One box-filter pass down the columns of a rows x cols matrix: every column is an independent
// vector of length `rows`, so the inner loops run across columns and vectorise while each
// element sees the same sequence of float operations as a scalar running sum (add the entering
// sample, then subtract the leaving one, then divide by the count). The window is centred (for
// even windows one more sample ahead than behind) and shrinks at the ends.
void BoxDown(const float* __restrict in, float* __restrict out, int rows, int cols, int window,
             float* __restrict sum) {
  const int half = (window + 2) / 2;
  std::fill(sum, sum + cols, 0.0f);
  auto row = [&](int r) { return in + size_t(r) * cols; };
  int o = 0;
  for (int r = 0; r < half - 1; ++r) {  // prime the window: no output yet
    const float* a = row(r);
    for (int c = 0; c < cols; ++c) sum[c] += a[c];
  }
  for (int r = half - 1, n = half; r < window; ++r, ++n) {  // growing window
    const float* a = row(r);
    float* dst = out + size_t(o++) * cols;
    const float fn = static_cast<float>(n);
    for (int c = 0; c < cols; ++c) {
      sum[c] += a[c];
      dst[c] = sum[c] / fn;
    }
  }
  const float fw = static_cast<float>(window);
  for (int r = window; r < rows; ++r) {  // full window
    const float* a = row(r);
    const float* d = row(r - window);
    float* dst = out + size_t(o++) * cols;
    for (int c = 0; c < cols; ++c) {
      sum[c] += a[c];
      sum[c] -= d[c];
      dst[c] = sum[c] / fw;
    }
  }
  for (int l = rows - window, n = window - 1; o < rows; ++l, --n) {  // shrinking window
    const float* d = row(l);
    float* dst = out + size_t(o++) * cols;
    const float fn = static_cast<float>(n);
    for (int c = 0; c < cols; ++c) {
      sum[c] -= d[c];
      dst[c] = sum[c] / fn;
    }
  }
}

// in: rows x cols, out: cols x rows (out_stride floats from one row of out to the next, rows
// unless given); in 16 x 16 tiles so whole cache lines are written, with 4 x 4 register
// transposes inside a tile where SSE is available.
void Transpose(const float* __restrict in, float* __restrict out, int rows, int cols,
               size_t out_stride = 0) {
  const size_t os = out_stride != 0 ? out_stride : size_t(rows);
  constexpr int kT = 16;
  for (int r0 = 0; r0 < rows; r0 += kT) {
    const int r1 = std::min(rows, r0 + kT);
    for (int c0 = 0; c0 < cols; c0 += kT) {
      const int c1 = std::min(cols, c0 + kT);
#if defined(__SSE2__)
      if (r1 - r0 == kT && c1 - c0 == kT) {
        for (int r = r0; r < r1; r += 4) {
          for (int c = c0; c < c1; c += 4) {
            __m128 a = _mm_loadu_ps(in + size_t(r) * cols + c);
            __m128 b = _mm_loadu_ps(in + size_t(r + 1) * cols + c);
            __m128 x = _mm_loadu_ps(in + size_t(r + 2) * cols + c);
            __m128 d = _mm_loadu_ps(in + size_t(r + 3) * cols + c);
            _MM_TRANSPOSE4_PS(a, b, x, d);
            _mm_storeu_ps(out + size_t(c) * os + r, a);
            _mm_storeu_ps(out + size_t(c + 1) * os + r, b);
            _mm_storeu_ps(out + size_t(c + 2) * os + r, x);
            _mm_storeu_ps(out + size_t(c + 3) * os + r, d);
          }
        }
        continue;
      }
#endif
      for (int r = r0; r < r1; ++r) {
        for (int c = c0; c < c1; ++c) out[size_t(c) * os + r] = in[size_t(r) * cols + c];
      }
    }
  }
}

// The 16 x 64 DCT-II rows 1..16 (row 0, the DC term, is skipped).
struct DctMatrix {
  float d[16][64];
  float dt[64][16];
};

const DctMatrix& Dct() {
  static const DctMatrix m = [] {
    DctMatrix t;
    const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
    for (int i = 0; i < 16; ++i) {
      for (int j = 0; j < 64; ++j) {
        const double angle = std::numbers::pi / 128.0 * (i + 1) * (2 * j + 1);
        t.d[i][j] = static_cast<float>(scale * std::cos(angle));
        t.dt[j][i] = t.d[i][j];
      }
    }
    return t;
  }();
  return m;
}

// Scratch for one hash, kept per thread: `a` holds the luma plane, `b` is scratch of the same
// size (at least rows * 128 floats for the last pass), `sum` one float per filtered vector.
struct Workspace {
  std::vector<float> a, b, sum;
  void Reserve(size_t n) {
    if (a.size() < n) a.resize(n);
    if (b.size() < n) b.resize(n);
  }
};

struct Float64x64 {
  float v[64][64];
};

// `lt` holds the luma transposed (cols x rows, lt[c * rows + r] = L[r][c]); it is overwritten.
// Runs the two box passes per axis and samples the 64 x 64 grid.
void FilterAndDecimate(float* lt, float* tmp, float* sum, int rows, int cols, Float64x64& out) {
  const int w_rows = JaroszWindow(cols);  // along each row (horizontal), as the reference names it
  const int w_cols = JaroszWindow(rows);
  // Pass 1.
  BoxDown(lt, tmp, cols, rows, w_rows, sum);  // along rows of L (columns of L^T)
  Transpose(tmp, lt, cols, rows);             // lt: rows x cols
  BoxDown(lt, tmp, rows, cols, w_cols, sum);  // along columns
  // Pass 2.
  Transpose(tmp, lt, rows, cols);  // lt: cols x rows
  BoxDown(lt, tmp, cols, rows, w_rows, sum);
  Transpose(tmp, lt, cols, rows);  // lt: rows x cols
  // The last pass only matters at the 64 sampled columns.
  int ci[64], ri[64];
  for (int i = 0; i < 64; ++i) {
    ci[i] = static_cast<int>(((i + 0.5) * cols) / 64);
    ri[i] = static_cast<int>(((i + 0.5) * rows) / 64);
  }
  float* g = tmp;
  float* h = tmp + size_t(rows) * 64;
  for (int r = 0; r < rows; ++r) {
    const float* src = lt + size_t(r) * cols;
    float* dst = g + size_t(r) * 64;
    for (int j = 0; j < 64; ++j) dst[j] = src[ci[j]];
  }
  BoxDown(g, h, rows, 64, w_cols, sum);
  for (int i = 0; i < 64; ++i) std::copy_n(h + size_t(ri[i]) * 64, 64, out.v[i]);
}

int Quality(const Float64x64& a) {
  int gradient = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j) {
      const int d = static_cast<int>(((a.v[i][j] - a.v[i + 1][j]) * 100) / 255);
      gradient += std::abs(d);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j) {
      const int d = static_cast<int>(((a.v[i][j] - a.v[i][j + 1]) * 100) / 255);
      gradient += std::abs(d);
    }
  }
  return std::min(gradient / 90, 100);
}

struct Dct16 {
  float v[16][16];
};

// B = D A D^T, summing in the order of the definition so results are reproducible.
void Dct64To16(const Float64x64& a, Dct16& b) {
  const DctMatrix& m = Dct();
  float t[16][64];
  for (int i = 0; i < 16; ++i) {
    float acc[64] = {};
    for (int k = 0; k < 64; ++k) {
      const float d = m.d[i][k];
      for (int j = 0; j < 64; ++j) acc[j] += d * a.v[k][j];
    }
    std::copy_n(acc, 64, t[i]);
  }
  for (int i = 0; i < 16; ++i) {
    float acc[16] = {};
    for (int k = 0; k < 64; ++k) {
      const float x = t[i][k];
      for (int j = 0; j < 16; ++j) acc[j] += x * m.dt[k][j];
    }
    std::copy_n(acc, 16, b.v[i]);
  }
}

// Bit i*16+j is set where coefficient (i, j) exceeds the lower median (the 128th smallest).
PdqHash BitsFromDct(const Dct16& b) {
  float sorted[256];
  std::copy_n(&b.v[0][0], 256, sorted);
  std::nth_element(sorted, sorted + 127, sorted + 256);
  const float median = sorted[127];
  PdqHash h;
  for (int k = 0; k < 256; ++k) {
    if ((&b.v[0][0])[k] > median) h.SetBit(k);
  }
  return h;
}

// The DCT of a dihedral transform of the image. Mirroring rows negates odd-frequency rows of
// the coefficients (coefficient row i holds frequency i + 1), mirroring columns the columns,
// and a transpose of the image transposes them.
Dct16 TransformDct(const Dct16& b, Dihedral t) {
  Dct16 r;
  for (int u = 0; u < 16; ++u) {
    for (int v = 0; v < 16; ++v) {
      const float su = (u % 2 == 0) ? -1.0f : 1.0f;  // sign of row u under a vertical flip
      const float sv = (v % 2 == 0) ? -1.0f : 1.0f;
      float x;
      switch (t) {
        case Dihedral::kOriginal:
          x = b.v[u][v];
          break;
        case Dihedral::kRotate90:
          x = su * b.v[v][u];
          break;
        case Dihedral::kRotate180:
          x = su * sv * b.v[u][v];
          break;
        case Dihedral::kRotate270:
          x = sv * b.v[v][u];
          break;
        case Dihedral::kFlipX:
          x = su * b.v[u][v];
          break;
        case Dihedral::kFlipY:
          x = sv * b.v[u][v];
          break;
        case Dihedral::kFlipPlus1:
          x = b.v[v][u];
          break;
        default:
          x = su * sv * b.v[v][u];
          break;  // kFlipMinus1
      }
      r.v[u][v] = x;
    }
  }
  return r;
}

// Core: luma already transposed in `ws.a` (cols x rows).
void HashTransposed(Workspace& ws, int rows, int cols, Dct16& dct, int& quality) {
  ws.Reserve(size_t(rows) * cols);
  if (ws.b.size() < size_t(rows) * 128) ws.b.resize(size_t(rows) * 128);
  const size_t vectors = std::max({rows, cols, 64});  // the last pass filters 64 columns
  if (ws.sum.size() < vectors) ws.sum.resize(vectors);
  auto grid = std::make_unique<Float64x64>();
  FilterAndDecimate(ws.a.data(), ws.b.data(), ws.sum.data(), rows, cols, *grid);
  quality = Quality(*grid);
  Dct64To16(*grid, dct);
}

// The caller's plane: sane dimensions and finite values (a NaN would break the median).
Status CheckLuma(const float* luma, int width, int height) {
  if (width < 0 || height < 0 || int64_t(width) * height > (int64_t{1} << 31)) {
    return Status::InvalidArgument("luma plane of " + std::to_string(width) + "x" +
                                   std::to_string(height) + " is out of range");
  }
  const size_t n = size_t(width) * height;
  if (n > 0 && luma == nullptr) return Status::InvalidArgument("luma plane is null");
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(luma[i])) {
      return Status::InvalidArgument("luma plane has a non-finite value at " + std::to_string(i));
    }
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------- loader

namespace {

constexpr float kLumaR = 0.299f;
constexpr float kLumaG = 0.587f;
constexpr float kLumaB = 0.114f;

// Collects, while an image is decoded, the luma of the pixels the reference loader would hash:
// the displayed picture (after the orientation), resampled nearest-neighbour to 512 x 512 when
// the displayed source has a side over 512. Only the sampled rows and columns are kept, so a
// large image is never held whole. The decoded rows may be a DCT-scaled decode; the output grid
// then maps onto its smaller pixel grid.
class LoaderSink final : public ImageRowSink {
 public:
  explicit LoaderSink(Workspace& ws) : ws_(ws) {}

  Status Begin(const ImageInfo& info) override {
    orientation_ = (info.orientation >= 1 && info.orientation <= 8) ? info.orientation : 1;
    width_ = info.width;
    height_ = info.height;
    channels_ = info.channels;
    const bool swap = orientation_ >= 5;
    const int src_w = swap ? info.source_height : info.source_width;  // displayed source size
    const int src_h = swap ? info.source_width : info.source_height;
    const int disp_w = swap ? info.height : info.width;  // displayed size of the decoded rows
    const int disp_h = swap ? info.width : info.height;
    const bool resize = src_w > kLoaderDim || src_h > kLoaderDim;
    cols_ = resize ? kLoaderDim : disp_w;
    rows_ = resize ? kLoaderDim : disp_h;
    if (rows_ < kMinHashableDim || cols_ < kMinHashableDim) return Status::Ok();
    // Output (r, c) shows displayed pixel (xmap[c], ymap[r]), which is stored pixel
    // (sx, sy); sy depends on one output axis only and sx on the other.
    std::vector<int> xmap(cols_), ymap(rows_);
    for (int c = 0; c < cols_; ++c) xmap[c] = static_cast<int>(int64_t(c) * disp_w / cols_);
    for (int r = 0; r < rows_; ++r) ymap[r] = static_cast<int>(int64_t(r) * disp_h / rows_);
    std::vector<int> sy_of(swap ? cols_ : rows_), sx_of(swap ? rows_ : cols_);
    for (size_t i = 0; i < sy_of.size(); ++i) {
      int sx, sy;
      if (swap) {
        OrientedToStored(orientation_, width_, height_, xmap[i], 0, sx, sy);
      } else {
        OrientedToStored(orientation_, width_, height_, 0, ymap[i], sx, sy);
      }
      sy_of[i] = sy;
    }
    for (size_t i = 0; i < sx_of.size(); ++i) {
      int sx, sy;
      if (swap) {
        OrientedToStored(orientation_, width_, height_, 0, ymap[i], sx, sy);
      } else {
        OrientedToStored(orientation_, width_, height_, xmap[i], 0, sx, sy);
      }
      sx_of[i] = sx;
    }
    need_rows_ = Unique(sy_of);
    need_cols_ = Unique(sx_of);
    row_slot_ = Slots(sy_of, need_rows_);
    col_slot_ = Slots(sx_of, need_cols_);
    ws_.Reserve(std::max(size_t(rows_) * cols_, need_rows_.size() * need_cols_.size()));
    next_ = 0;
    active_ = true;
    return Status::Ok();
  }

  bool WantRow(int y) override {
    if (!active_) return false;
    while (next_ < need_rows_.size() && need_rows_[next_] < y) ++next_;
    return next_ < need_rows_.size() && need_rows_[next_] == y;
  }

  void Row(int y, const uint8_t* p) override {
    if (!WantRow(y)) return;
    const size_t n = need_cols_.size();
    float* dst = ws_.b.data() + next_ * n;
    if (channels_ == 1) {
      for (size_t k = 0; k < n; ++k) dst[k] = static_cast<float>(p[need_cols_[k]]);
    } else {
      for (size_t k = 0; k < n; ++k) {
        const uint8_t* q = p + size_t(need_cols_[k]) * 3;
        dst[k] = kLumaR * q[0] + kLumaG * q[1] + kLumaB * q[2];
      }
    }
    ++rows_seen_;
  }

  // Lays the samples out, transposed, in ws.a; false when the image is too small to hash.
  StatusOr<bool> Finish(int& rows, int& cols) {
    rows = rows_;
    cols = cols_;
    if (!active_) return false;
    if (rows_seen_ != need_rows_.size()) return Status::Internal("decoder skipped sampled rows");
    const size_t n = need_cols_.size();
    const float* compact = ws_.b.data();
    float* lt = ws_.a.data();
    const bool swap = orientation_ >= 5;
    for (int c = 0; c < cols_; ++c) {
      float* out = lt + size_t(c) * rows_;
      for (int r = 0; r < rows_; ++r) {
        const size_t rs = swap ? row_slot_[c] : row_slot_[r];
        const size_t cs = swap ? col_slot_[r] : col_slot_[c];
        out[r] = compact[rs * n + cs];
      }
    }
    return true;
  }

 private:
  static std::vector<int> Unique(std::vector<int> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }
  static std::vector<int> Slots(const std::vector<int>& of, const std::vector<int>& sorted) {
    std::vector<int> slot(of.size());
    for (size_t i = 0; i < of.size(); ++i) {
      slot[i] =
          static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(), of[i]) - sorted.begin());
    }
    return slot;
  }

  Workspace& ws_;
  int orientation_ = 1, width_ = 0, height_ = 0, channels_ = 0, rows_ = 0, cols_ = 0;
  std::vector<int> need_rows_, need_cols_;  // stored rows / columns sampled, ascending
  std::vector<int> row_slot_, col_slot_;    // per output axis: index into need_rows_/need_cols_
  size_t next_ = 0, rows_seen_ = 0;
  bool active_ = false;
};

Workspace& ThreadWorkspace() {
  thread_local Workspace ws;
  return ws;
}

constexpr size_t kKeepWorkspace = size_t(kLoaderDim) * kLoaderDim;

// Releases a workspace that grew past the loader size (a huge PdqFromLuma call).
void Trim(Workspace& ws) {
  if (ws.a.size() > kKeepWorkspace || ws.b.size() > kKeepWorkspace) {
    ws.a = std::vector<float>();
    ws.b = std::vector<float>();
    ws.sum = std::vector<float>();
  }
}

}  // namespace

int PdqFastJpegScale(int width, int height) {
  // Only images the loader shrinks anyway; smaller ones are cheap to decode exactly.
  if (width <= kLoaderDim && height <= kLoaderDim) return 1;
  for (int d : {8, 4, 2}) {
    if ((width + d - 1) / d >= kPdqFastJpegMinSide && (height + d - 1) / d >= kPdqFastJpegMinSide) {
      return d;
    }
  }
  return 1;
}

namespace {

ImageDecodeOptions DecodeOptionsFor(const PdqOptions& o) {
  ImageDecodeOptions d;
  d.max_file_bytes = o.max_file_bytes;
  d.max_pixels = o.max_pixels;
  d.alpha = o.alpha;
  d.read_orientation = o.apply_exif_orientation;
  if (o.fast_jpeg) d.jpeg_scale_denom = PdqFastJpegScale;
  return d;
}

// Decodes and hashes up to the DCT; false when the image is too small to hash.
StatusOr<bool> BytesDct(std::string_view bytes, const std::string& name, const PdqOptions& o,
                        Dct16& dct, int& quality) {
  Workspace& ws = ThreadWorkspace();
  LoaderSink sink(ws);
  RETURN_IF_ERROR(DecodeImageRows(bytes, name, DecodeOptionsFor(o), sink));
  int rows, cols;
  ASSIGN_OR_RETURN(bool hashable, sink.Finish(rows, cols));
  if (!hashable) return false;
  HashTransposed(ws, rows, cols, dct, quality);
  return true;
}

// Hashes the loader's view of `img` up to the DCT; false when too small to hash.
bool ImageDct(const Image& img, Dct16& dct, int& quality) {
  Workspace& ws = ThreadWorkspace();
  LoaderSink sink(ws);
  ImageInfo info;
  info.format = img.format;
  info.width = img.width;
  info.height = img.height;
  info.channels = img.channels;
  info.source_width = img.source_width > 0 ? img.source_width : img.width;
  info.source_height = img.source_height > 0 ? img.source_height : img.height;
  info.orientation = img.orientation;
  if (!sink.Begin(info).ok()) return false;
  for (int y = 0; y < img.height; ++y) {
    if (sink.WantRow(y)) sink.Row(y, img.Row(y));
  }
  int rows, cols;
  auto hashable = sink.Finish(rows, cols);
  if (!hashable.ok() || !*hashable) return false;
  HashTransposed(ws, rows, cols, dct, quality);
  return true;
}

// The file's bytes, in a per-thread buffer that keeps its capacity between calls.
StatusOr<std::string_view> ReadForPdq(const std::string& path, const PdqOptions& o) {
  thread_local std::string buf;
  if (buf.capacity() > (size_t{64} << 20)) buf = std::string();
  RETURN_IF_ERROR(ReadFileInto(path, o.max_file_bytes, buf));
  return std::string_view(buf);
}

}  // namespace

StatusOr<PdqResult> PdqFromImage(const Image& img) {
  if (img.width <= 0 || img.height <= 0 || (img.channels != 1 && img.channels != 3) ||
      img.pixels.size() < size_t(img.width) * img.height * img.channels) {
    return Status::InvalidArgument("PDQ: image has no usable pixels");
  }
  PdqResult res;
  Dct16 dct;
  if (ImageDct(img, dct, res.quality)) res.hash = BitsFromDct(dct);
  return res;
}

StatusOr<PdqDihedralResult> PdqDihedralFromImage(const Image& img) {
  if (img.width <= 0 || img.height <= 0 || (img.channels != 1 && img.channels != 3) ||
      img.pixels.size() < size_t(img.width) * img.height * img.channels) {
    return Status::InvalidArgument("PDQ: image has no usable pixels");
  }
  PdqDihedralResult res;
  Dct16 dct;
  if (!ImageDct(img, dct, res.quality)) return res;
  for (int t = 0; t < 8; ++t) res.hashes[t] = BitsFromDct(TransformDct(dct, Dihedral(t)));
  return res;
}

namespace {

// Luma in row-major order; false when too small to hash.
bool LumaDct(const float* luma, int width, int height, Dct16& dct, int& quality) {
  if (width < kMinHashableDim || height < kMinHashableDim) return false;
  Workspace& ws = ThreadWorkspace();
  ws.Reserve(size_t(width) * height);
  Transpose(luma, ws.a.data(), height, width);
  HashTransposed(ws, height, width, dct, quality);
  Trim(ws);
  return true;
}

}  // namespace

// ---------------------------------------------------------------- frames of a video

// The filter of FilterAndDecimate in another order of memory accesses, with the same float
// operations on every value: luma is made a block of kBlock rows at a time and filtered along
// its rows while the block is in cache (transposed, so the running sums of its rows are
// vectorised across them), then filtered down the columns as a whole plane; the second pass
// along the rows runs again per block of rows and keeps only the 64 sampled columns, and the
// second pass down the columns runs on those alone. The full-size plane is written twice and
// read twice, against about twelve times for luma, three transposes and three box passes.
struct PdqFrameHasher::Scratch {
  static constexpr int kBlock = 16;
  std::vector<float> luma;    // kBlock rows of luma, row-major
  std::vector<float> bt, bf;  // a block transposed (cols x kBlock), and filtered
  std::vector<float> p, q;    // rows x cols: filtered along rows, then down columns
  std::vector<float> g, h;    // rows x 64: the sampled columns, then filtered down them
  std::vector<float> sum;
  float r[256], gr[256], b[256];  // the products of each channel value with its coefficient

  void Reserve(int rows, int cols) {
    const size_t plane = size_t(rows) * cols;
    if (p.size() < plane) {
      p.resize(plane);
      q.resize(plane);
    }
    const size_t block = size_t(kBlock) * cols;
    if (luma.size() < block) {
      luma.resize(block);
      bt.resize(block);
      bf.resize(block);
    }
    if (g.size() < size_t(rows) * 64) {
      g.resize(size_t(rows) * 64);
      h.resize(size_t(rows) * 64);
    }
    const size_t vectors = std::max({rows, cols, 64});
    if (sum.size() < vectors) sum.resize(vectors);
  }
};

PdqFrameHasher::PdqFrameHasher() : scratch_(std::make_unique<Scratch>()) {
  for (int v = 0; v < 256; ++v) {
    scratch_->r[v] = kLumaR * static_cast<float>(v);
    scratch_->gr[v] = kLumaG * static_cast<float>(v);
    scratch_->b[v] = kLumaB * static_cast<float>(v);
  }
}

PdqFrameHasher::~PdqFrameHasher() = default;

StatusOr<PdqResult> PdqFrameHasher::HashRgb24(const uint8_t* rgb, int width, int height,
                                              ptrdiff_t stride) {
  if (width < 0 || height < 0 || int64_t(width) * height > (int64_t{1} << 31) ||
      (height > 0 && (rgb == nullptr || stride < ptrdiff_t(width) * 3))) {
    return Status::InvalidArgument("RGB frame of " + std::to_string(width) + "x" +
                                   std::to_string(height) + " is out of range");
  }
  PdqResult res;
  if (width < kMinHashableDim || height < kMinHashableDim) return res;
  Scratch& s = *scratch_;
  const int rows = height, cols = width;
  s.Reserve(rows, cols);
  constexpr int kB = Scratch::kBlock;
  const int w_rows = JaroszWindow(cols);  // along each row
  const int w_cols = JaroszWindow(rows);  // down each column
  // Pass 1 along the rows, a block of rows at a time. Each luma value is (R product + G
  // product) + B product, the reference's sum.
  for (int r0 = 0; r0 < rows; r0 += kB) {
    const int n = std::min(kB, rows - r0);
    for (int i = 0; i < n; ++i) {
      const uint8_t* px = rgb + ptrdiff_t(r0 + i) * stride;
      float* out = s.luma.data() + size_t(i) * cols;
      for (int x = 0; x < cols; ++x, px += 3) out[x] = s.r[px[0]] + s.gr[px[1]] + s.b[px[2]];
    }
    Transpose(s.luma.data(), s.bt.data(), n, cols);  // cols x n
    BoxDown(s.bt.data(), s.bf.data(), cols, n, w_rows, s.sum.data());
    Transpose(s.bf.data(), s.p.data() + size_t(r0) * cols, cols, n, size_t(cols));
  }
  // Pass 1 down the columns.
  BoxDown(s.p.data(), s.q.data(), rows, cols, w_cols, s.sum.data());
  // Pass 2 along the rows, kept at the 64 sampled columns.
  int ci[64], ri[64];
  for (int i = 0; i < 64; ++i) {
    ci[i] = static_cast<int>(((i + 0.5) * cols) / 64);
    ri[i] = static_cast<int>(((i + 0.5) * rows) / 64);
  }
  for (int r0 = 0; r0 < rows; r0 += kB) {
    const int n = std::min(kB, rows - r0);
    Transpose(s.q.data() + size_t(r0) * cols, s.bt.data(), n, cols);  // cols x n
    BoxDown(s.bt.data(), s.bf.data(), cols, n, w_rows, s.sum.data());
    for (int i = 0; i < n; ++i) {
      float* dst = s.g.data() + size_t(r0 + i) * 64;
      for (int j = 0; j < 64; ++j) dst[j] = s.bf[size_t(ci[j]) * n + i];
    }
  }
  // Pass 2 down the sampled columns.
  BoxDown(s.g.data(), s.h.data(), rows, 64, w_cols, s.sum.data());
  auto grid = std::make_unique<Float64x64>();
  for (int i = 0; i < 64; ++i) std::copy_n(s.h.data() + size_t(ri[i]) * 64, 64, grid->v[i]);
  res.quality = Quality(*grid);
  Dct16 dct;
  Dct64To16(*grid, dct);
  res.hash = BitsFromDct(dct);
  return res;
}

StatusOr<PdqResult> PdqFromLuma(const float* luma, int width, int height) {
  RETURN_IF_ERROR(CheckLuma(luma, width, height));
  PdqResult res;
  Dct16 dct;
  if (LumaDct(luma, width, height, dct, res.quality)) res.hash = BitsFromDct(dct);
  return res;
}

StatusOr<PdqDihedralResult> PdqDihedralFromLuma(const float* luma, int width, int height) {
  RETURN_IF_ERROR(CheckLuma(luma, width, height));
  PdqDihedralResult res;
  Dct16 dct;
  if (!LumaDct(luma, width, height, dct, res.quality)) return res;
  for (int t = 0; t < 8; ++t) res.hashes[t] = BitsFromDct(TransformDct(dct, Dihedral(t)));
  return res;
}

StatusOr<PdqResult> PdqFromBytes(std::string_view bytes, const std::string& name,
                                 const PdqOptions& options) {
  PdqResult res;
  Dct16 dct;
  ASSIGN_OR_RETURN(bool hashed, BytesDct(bytes, name, options, dct, res.quality));
  if (hashed) res.hash = BitsFromDct(dct);
  return res;
}

StatusOr<PdqDihedralResult> PdqDihedralFromBytes(std::string_view bytes, const std::string& name,
                                                 const PdqOptions& options) {
  PdqDihedralResult res;
  Dct16 dct;
  ASSIGN_OR_RETURN(bool hashed, BytesDct(bytes, name, options, dct, res.quality));
  if (!hashed) return res;
  for (int t = 0; t < 8; ++t) res.hashes[t] = BitsFromDct(TransformDct(dct, Dihedral(t)));
  return res;
}

StatusOr<PdqResult> PdqFromFile(const std::string& path, const PdqOptions& options) {
  ASSIGN_OR_RETURN(std::string_view bytes, ReadForPdq(path, options));
  return PdqFromBytes(bytes, path, options);
}

StatusOr<PdqDihedralResult> PdqDihedralFromFile(const std::string& path,
                                                const PdqOptions& options) {
  ASSIGN_OR_RETURN(std::string_view bytes, ReadForPdq(path, options));
  return PdqDihedralFromBytes(bytes, path, options);
}

std::string PdqHash::Hex() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(64, '0');
  // The reference prints 16-bit words from the last to the first, each most significant digit
  // first; that is the four 64-bit words from the last, each printed big-endian.
  for (int w = 0; w < 4; ++w) {
    uint64_t v = bits[3 - w];
    for (int d = 15; d >= 0; --d) {
      s[w * 16 + d] = kHex[v & 15];
      v >>= 4;
    }
  }
  return s;
}

StatusOr<PdqHash> PdqHash::FromHex(std::string_view hex) {
  if (hex.size() != 64) {
    return Status::InvalidArgument("PDQ hash must be 64 hex digits, got " +
                                   std::to_string(hex.size()) + " characters");
  }
  PdqHash h;
  for (int i = 0; i < 64; ++i) {
    char c = hex[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return Status::InvalidArgument("PDQ hash has a non-hex character at position " +
                                     std::to_string(i));
    }
    h.bits[3 - i / 16] |= uint64_t(v) << (4 * (15 - i % 16));
  }
  return h;
}

}  // namespace cordon
