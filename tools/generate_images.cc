// Writes the default image set that ./run serves (images/ in the repository):
//
//   generate_images --out_dir=images
//
// The images are synthetic but photo-like (gradients, smooth noise, many
// antialiased shapes, text, blur and per-pixel sensor noise) so that their
// encoded sizes are realistic. Every image is drawn from its own fixed
// cv::RNG seed, random numbers are always drawn in one statement each (the
// order of evaluation of function arguments is unspecified), and pixel
// arithmetic is plain scalar code or OpenCV's integer paths, so every run
// writes byte-identical files (the encoded bytes also depend on the libjpeg
// and zlib versions; Debian 12's are what produced the committed set).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/command_line.h"
#include "opencv2/core.hpp"
#include "opencv2/core/utils/logger.hpp"
#include "opencv2/imgcodecs.hpp"
#include "opencv2/imgproc.hpp"

ABSL_FLAG(std::string, out_dir, "",
          "Directory to write the images into; created if missing. Existing "
          "files with the same names are overwritten.");

namespace {

namespace fs = std::filesystem;

constexpr float kPi = 3.14159265f;

// What an image shows.
enum class Scene {
  kLandscape,  // Sky, hills, trees, rocks, grass.
  kCity,       // Skyline, buildings with windows, street, cars.
  kFarmland,   // Aerial: fields with crop rows, a few farms.
  kRiver,      // Aerial: fields, a meandering river, a village.
  kSuburb,     // Aerial: many houses along roads.
  kCoast,      // Aerial: land, beach and sea.
  kChart,      // Bar, line and pie charts with labels.
  kDiagram,    // Boxes and arrows with labels.
};

// Light and colours of a scene.
enum class Mood { kDay, kForest, kSunset, kDesert, kSnow, kNight };

struct ImageSpec {
  const char* path;  // Relative to --out_dir; the extension picks the codec.
  int width;
  int height;
  Scene scene;
  Mood mood;
  int channels;        // 1 (grayscale), 3 (BGR) or 4 (BGRA, PNG only).
  int jpeg_quality;    // Ignored for PNG.
  double noise_sigma;  // Per-pixel Gaussian noise, in 8-bit levels.
  uint64_t seed;
};

// The default set. Names are lower-case and end with the resolution.
const ImageSpec kImages[] = {
    {"street_640x480.jpg", 640, 480, Scene::kCity, Mood::kDay, 3, 90, 3.0, 101},
    {"meadow_640x480.jpg", 640, 480, Scene::kLandscape, Mood::kForest, 3, 90,
     3.0, 102},
    {"harbor_1024x768.jpg", 1024, 768, Scene::kCity, Mood::kSunset, 3, 90, 3.0,
     103},
    {"desert_1024x768.jpg", 1024, 768, Scene::kLandscape, Mood::kDesert, 3, 90,
     3.0, 104},
    {"forest_1280x720.jpg", 1280, 720, Scene::kLandscape, Mood::kForest, 3, 90,
     3.0, 105},
    {"valley_1280x720.jpg", 1280, 720, Scene::kLandscape, Mood::kDay, 3, 90,
     3.0, 106},
    {"alley_gray_1280x720.jpg", 1280, 720, Scene::kCity, Mood::kNight, 1, 90,
     3.5, 107},
    {"mountains_1920x1080.jpg", 1920, 1080, Scene::kLandscape, Mood::kSnow, 3,
     90, 3.0, 108},
    {"street_1920x1080.jpg", 1920, 1080, Scene::kCity, Mood::kDay, 3, 90, 3.0,
     109},
    {"countryside_1920x1080.jpg", 1920, 1080, Scene::kLandscape, Mood::kDay, 3,
     90, 3.0, 110},
    {"sunset_1920x1080.jpg", 1920, 1080, Scene::kLandscape, Mood::kSunset, 3,
     90, 3.0, 111},
    {"downtown_night_2560x1440.jpg", 2560, 1440, Scene::kCity, Mood::kNight, 3,
     90, 3.0, 112},
    {"canyon_2560x1440.jpg", 2560, 1440, Scene::kLandscape, Mood::kDesert, 3,
     90, 3.0, 113},
    {"skyline_3840x2160.jpg", 3840, 2160, Scene::kCity, Mood::kSunset, 3, 90,
     3.0, 114},
    // The one large file: a 4K JPEG at high quality, over 4 MiB.
    {"glacier_hq_3840x2160.jpg", 3840, 2160, Scene::kLandscape, Mood::kSnow, 3,
     98, 4.0, 115},
    {"chart_1280x720.png", 1280, 720, Scene::kChart, Mood::kDay, 3, 0, 0.8,
     116},
    {"diagram_1024x768.png", 1024, 768, Scene::kDiagram, Mood::kDay, 3, 0, 0.8,
     117},
    {"sticker_rgba_640x480.png", 640, 480, Scene::kLandscape, Mood::kForest, 4,
     0, 2.0, 118},
    {"hills_gray_640x480.png", 640, 480, Scene::kLandscape, Mood::kDay, 1, 0,
     2.0, 119},
    {"aerial/farmland_1280x720.jpg", 1280, 720, Scene::kFarmland, Mood::kDay, 3,
     90, 3.0, 120},
    {"aerial/coast_1024x768.jpg", 1024, 768, Scene::kCoast, Mood::kDay, 3, 90,
     3.0, 121},
    {"aerial/river_1920x1080.jpg", 1920, 1080, Scene::kRiver, Mood::kForest, 3,
     90, 3.0, 122},
    {"aerial/suburb_2560x1440.jpg", 2560, 1440, Scene::kSuburb, Mood::kDay, 3,
     90, 3.0, 123},
    {"aerial/tile_640x480.png", 640, 480, Scene::kFarmland, Mood::kDesert, 3, 0,
     2.0, 124},
};

// Colours are BGR, as OpenCV stores them.
struct Palette {
  cv::Vec3f sky_top;
  cv::Vec3f sky_horizon;
  cv::Vec3f cloud;
  cv::Vec3f sun;
  cv::Vec3f far_hills;
  cv::Vec3f near_hills;
  cv::Vec3f ground;
  cv::Vec3f vegetation;
  cv::Vec3f water;
  float lit_windows;  // Share of lit windows in a city.
};

Palette PaletteFor(Mood mood) {
  switch (mood) {
    case Mood::kForest:
      return {{210, 170, 120}, {225, 225, 210},
              {245, 245, 245}, {215, 245, 255},
              {110, 130, 90},  {40, 95, 50},
              {35, 90, 60},    {30, 85, 35},
              {120, 95, 50},   0.1f};
    case Mood::kSunset:
      return {{110, 50, 60},   {90, 160, 250},
              {150, 170, 235}, {120, 220, 255},
              {90, 70, 90},    {50, 55, 65},
              {40, 60, 80},    {30, 50, 45},
              {110, 90, 110},  0.5f};
    case Mood::kDesert:
      return {{210, 150, 90},  {220, 220, 230},
              {240, 240, 245}, {220, 250, 255},
              {120, 160, 200}, {80, 130, 190},
              {110, 170, 220}, {60, 110, 90},
              {160, 140, 60},  0.1f};
    case Mood::kSnow:
      return {{220, 160, 110}, {245, 235, 225},
              {250, 250, 250}, {230, 250, 255},
              {200, 185, 170}, {235, 235, 240},
              {225, 225, 232}, {60, 80, 50},
              {170, 140, 90},  0.1f};
    case Mood::kNight:
      return {{45, 22, 12}, {95, 70, 55}, {80, 75, 75}, {200, 220, 230},
              {55, 45, 40}, {35, 32, 30}, {40, 40, 45}, {25, 40, 25},
              {70, 50, 30}, 0.65f};
    case Mood::kDay:
    default:
      return {{200, 120, 60},  {235, 210, 180},
              {250, 250, 250}, {220, 250, 255},
              {170, 150, 130}, {60, 120, 80},
              {50, 125, 95},   {35, 95, 45},
              {150, 110, 40},  0.1f};
  }
}

float Lerp(float a, float b, float t) { return a + (b - a) * t; }

cv::Vec3f Lerp(const cv::Vec3f& a, const cv::Vec3f& b, float t) {
  return {Lerp(a[0], b[0], t), Lerp(a[1], b[1], t), Lerp(a[2], b[2], t)};
}

cv::Scalar ToScalar(const cv::Vec3f& c) { return cv::Scalar(c[0], c[1], c[2]); }

// `c` scaled by a random brightness factor in [1 - amount, 1 + amount].
cv::Scalar Vary(cv::RNG& rng, const cv::Vec3f& c, float amount) {
  const float k = rng.uniform(1.f - amount, 1.f + amount);
  return ToScalar(c * k);
}

int RandomInt(cv::RNG& rng, int lo, int hi) {
  return hi > lo ? rng.uniform(lo, hi) : lo;
}

cv::Point RandomPoint(cv::RNG& rng, const cv::Rect& area) {
  const int x = RandomInt(rng, area.x, area.x + area.width);
  const int y = RandomInt(rng, area.y, area.y + area.height);
  return {x, y};
}

template <typename T, size_t N>
const T& Pick(cv::RNG& rng, const T (&items)[N]) {
  return items[RandomInt(rng, 0, static_cast<int>(N))];
}

// At least 1, so thin features survive at small sizes.
int Px(float pixels) { return std::max(1, static_cast<int>(pixels + 0.5f)); }

// Multi-octave value noise, roughly in [-1, 1], one value per pixel. The
// coarsest octave has `base_cells` cells across the width; octaves stop when
// a cell would be smaller than 3 pixels.
cv::Mat1f SmoothNoise(cv::RNG& rng, cv::Size size, int base_cells) {
  cv::Mat1f out(size, 0.f);
  float amplitude = 1.f;
  float total = 0.f;
  for (int cells_x = base_cells; cells_x * 3 <= size.width; cells_x *= 2) {
    const float cell = static_cast<float>(size.width) / cells_x;
    const int cells_y = static_cast<int>(size.height / cell) + 1;
    const int stride = cells_x + 2;
    std::vector<float> grid(static_cast<size_t>(stride) * (cells_y + 2));
    for (float& v : grid) v = rng.uniform(-1.f, 1.f);
    std::vector<int> x0(size.width);
    std::vector<float> wx(size.width);
    for (int x = 0; x < size.width; ++x) {
      const float g = x / cell;
      x0[x] = static_cast<int>(g);
      const float t = g - x0[x];
      wx[x] = t * t * (3.f - 2.f * t);
    }
    for (int y = 0; y < size.height; ++y) {
      const float g = y / cell;
      const int y0 = static_cast<int>(g);
      float wy = g - y0;
      wy = wy * wy * (3.f - 2.f * wy);
      const float* r0 = &grid[static_cast<size_t>(y0) * stride];
      const float* r1 = r0 + stride;
      float* row = out[y];
      for (int x = 0; x < size.width; ++x) {
        const int i = x0[x];
        const float a = r0[i] + (r0[i + 1] - r0[i]) * wx[x];
        const float b = r1[i] + (r1[i + 1] - r1[i]) * wx[x];
        row[x] += amplitude * (a + (b - a) * wy);
      }
    }
    total += amplitude;
    amplitude *= 0.6f;
  }
  if (total > 0.f) {
    const float k = 1.5f / total;  // Stretch towards [-1, 1].
    for (int y = 0; y < size.height; ++y) {
      float* row = out[y];
      for (int x = 0; x < size.width; ++x) {
        row[x] = std::min(1.f, std::max(-1.f, row[x] * k));
      }
    }
  }
  return out;
}

// A horizon: `base` plus a few random sine waves, one height per column.
std::vector<float> Ridge(cv::RNG& rng, int width, float base, float amplitude) {
  std::vector<float> heights(width, base);
  for (int k = 0; k < 6; ++k) {
    const float cycles = rng.uniform(0.5f, 1.5f) * static_cast<float>(1 << k);
    const float phase = rng.uniform(0.f, 2.f * kPi);
    const float amp = amplitude / static_cast<float>(1 << k);
    const float freq = 2.f * kPi * cycles / width;
    for (int x = 0; x < width; ++x) {
      heights[x] += amp * std::sin(freq * x + phase);
    }
  }
  return heights;
}

// img += (over - img) * alpha / 255, rounded.
void Blend(cv::Mat3b& img, const cv::Mat3b& over, int alpha) {
  for (int y = 0; y < img.rows; ++y) {
    uchar* a = img.ptr<uchar>(y);
    const uchar* b = over.ptr<uchar>(y);
    for (int i = 0; i < img.cols * 3; ++i) {
      a[i] =
          static_cast<uchar>((a[i] * (255 - alpha) + b[i] * alpha + 127) / 255);
    }
  }
}

// Blend() restricted to the sky: pixels above `horizon` in their column.
void BlendSky(cv::Mat3b& img, const cv::Mat3b& over, int alpha,
              const std::vector<float>& horizon) {
  for (int y = 0; y < img.rows; ++y) {
    cv::Vec3b* a = img[y];
    const cv::Vec3b* b = over[y];
    for (int x = 0; x < img.cols; ++x) {
      if (y >= horizon[x]) continue;
      for (int c = 0; c < 3; ++c) {
        a[x][c] = static_cast<uchar>(
            (a[x][c] * (255 - alpha) + b[x][c] * alpha + 127) / 255);
      }
    }
  }
}

// Text with a dark outline, readable on any background.
void Label(cv::Mat& img, const std::string& text, cv::Point origin, int font,
           double scale, const cv::Scalar& color, int thickness) {
  cv::putText(img, text, origin, font, scale, cv::Scalar(20, 20, 20),
              thickness + 2, cv::LINE_AA);
  cv::putText(img, text, origin, font, scale, color, thickness, cv::LINE_AA);
}

int RandomFont(cv::RNG& rng) {
  static const int kFonts[] = {
      cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_DUPLEX,
      cv::FONT_HERSHEY_COMPLEX, cv::FONT_HERSHEY_TRIPLEX,
      cv::FONT_HERSHEY_PLAIN};
  return Pick(rng, kFonts);
}

// A camera-style date stamp in the bottom right corner.
void DateStamp(cv::Mat3b& img, cv::RNG& rng) {
  const float s = img.rows / 1080.f;
  const int year = RandomInt(rng, 2009, 2024);
  const int month = RandomInt(rng, 1, 13);
  const int day = RandomInt(rng, 1, 29);
  const int hour = RandomInt(rng, 6, 22);
  const int minute = RandomInt(rng, 0, 60);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d  %02d:%02d", year, month,
                day, hour, minute);
  const double scale = 1.1 * s;
  const int thickness = Px(2.f * s);
  int baseline = 0;
  const cv::Size extent = cv::getTextSize(text, cv::FONT_HERSHEY_DUPLEX, scale,
                                          thickness, &baseline);
  const cv::Point origin(img.cols - extent.width - Px(30.f * s),
                         img.rows - Px(30.f * s));
  Label(img, text, origin, cv::FONT_HERSHEY_DUPLEX, scale,
        cv::Scalar(40, 150, 255), thickness);
}

// Where the sky ends (far) and where the foreground starts (near), per column.
struct Horizon {
  std::vector<float> far;
  std::vector<float> near;
};

// Sky with clouds above `far`, a band of hazy hills down to `near` and a
// textured foreground below.
Horizon PaintTerrain(cv::Mat3b& img, cv::RNG& rng, const Palette& p,
                     bool hills) {
  const int w = img.cols;
  const int h = img.rows;
  Horizon hz;
  if (hills) {
    hz.far = Ridge(rng, w, 0.40f * h, 0.10f * h);
    hz.near = Ridge(rng, w, 0.60f * h, 0.05f * h);
  } else {
    hz.far = Ridge(rng, w, 0.50f * h, 0.003f * h);
    hz.near = hz.far;
  }
  for (int x = 0; x < w; ++x) {
    hz.far[x] = std::max(hz.far[x], 0.05f * h);
    hz.near[x] = std::max(hz.near[x], hz.far[x]);
  }
  const cv::Mat1f clouds = SmoothNoise(rng, img.size(), 3);
  const cv::Mat1f texture = SmoothNoise(rng, img.size(), 12);
  const cv::Vec3f hazy_hills = Lerp(p.far_hills, p.sky_horizon, 0.45f);
  for (int y = 0; y < h; ++y) {
    cv::Vec3b* row = img[y];
    const float* cloud_row = clouds[y];
    const float* tex_row = texture[y];
    for (int x = 0; x < w; ++x) {
      cv::Vec3f c;
      const float far = hz.far[x];
      const float near = hz.near[x];
      if (y < far) {
        const float t = y / far;
        c = Lerp(p.sky_top, p.sky_horizon, t * t);
        const float cover = cloud_row[x] * 1.8f - 0.15f;
        if (cover > 0.f) {
          c = Lerp(c, p.cloud, std::min(cover, 1.f) * (0.9f - 0.5f * t));
        }
      } else if (y < near) {
        const float d = (y - far) / (near - far + 1.f);
        c = Lerp(hazy_hills, p.far_hills, d) * (0.92f + 0.16f * tex_row[x]);
      } else {
        const float d = (y - near) / (h - near + 1.f);
        c = Lerp(p.near_hills, p.ground, d) * (0.8f + 0.3f * tex_row[x]);
      }
      row[x] = cv::Vec3b(cv::saturate_cast<uchar>(c[0]),
                         cv::saturate_cast<uchar>(c[1]),
                         cv::saturate_cast<uchar>(c[2]));
    }
  }
  return hz;
}

// A random polygon around `center`: points at sorted angles, random radii.
std::vector<cv::Point> Blob(cv::RNG& rng, cv::Point center, float radius,
                            int points) {
  std::vector<cv::Point> poly;
  for (int i = 0; i < points; ++i) {
    const float angle = 2.f * kPi * (i + rng.uniform(0.f, 0.6f)) / points;
    const float r = radius * rng.uniform(0.6f, 1.f);
    poly.emplace_back(center.x + static_cast<int>(r * std::cos(angle)),
                      center.y + static_cast<int>(r * std::sin(angle) * 0.7f));
  }
  return poly;
}

// Sun with a glow and clouds, drawn translucent.
void DrawSky(cv::Mat3b& img, cv::RNG& rng, const Palette& p,
             const Horizon& hz) {
  const int w = img.cols;
  const float s = img.rows / 1080.f;
  cv::Mat3b over = img.clone();
  const int sun_x = RandomInt(rng, w / 8, 7 * w / 8);
  const int sun_y = std::min(RandomInt(rng, img.rows / 12, img.rows / 4),
                             static_cast<int>(hz.far[sun_x]) - Px(50.f * s));
  const float sun_r = 45.f * s * rng.uniform(0.7f, 1.3f);
  for (int i = 5; i >= 1; --i) {
    cv::circle(over, {sun_x, sun_y}, Px(sun_r * (1.f + 0.7f * i)),
               ToScalar(Lerp(p.sun, p.sky_horizon, 0.1f * i)), cv::FILLED,
               cv::LINE_AA);
  }
  const int clouds = 5 + w / 150;
  for (int i = 0; i < clouds; ++i) {
    const cv::Point center =
        RandomPoint(rng, cv::Rect(0, 0, w, static_cast<int>(0.3f * img.rows)));
    const int puffs = RandomInt(rng, 3, 9);
    const float size = 60.f * s * rng.uniform(0.5f, 1.5f);
    for (int j = 0; j < puffs; ++j) {
      const int dx = static_cast<int>(size * rng.uniform(-2.f, 2.f));
      const int dy = static_cast<int>(size * rng.uniform(-0.4f, 0.4f));
      const int rx = Px(size * rng.uniform(0.6f, 1.4f));
      const int ry = Px(rx * rng.uniform(0.3f, 0.6f));
      cv::ellipse(over, center + cv::Point(dx, dy), {rx, ry}, 0, 0, 360,
                  Vary(rng, p.cloud, 0.05f), cv::FILLED, cv::LINE_AA);
    }
  }
  BlendSky(img, over, 110, hz.far);
  cv::circle(img, {sun_x, sun_y}, Px(sun_r), ToScalar(p.sun), cv::FILLED,
             cv::LINE_AA);
  // Birds.
  const int birds = RandomInt(rng, 3, 14);
  for (int i = 0; i < birds; ++i) {
    const cv::Point c = RandomPoint(
        rng, cv::Rect(0, img.rows / 10, w, static_cast<int>(0.2f * img.rows)));
    const int span = Px(12.f * s * rng.uniform(0.6f, 1.6f));
    const std::vector<cv::Point> wings = {c + cv::Point(-span, -span / 2), c,
                                          c + cv::Point(span, -span / 2)};
    cv::polylines(img, wings, false, cv::Scalar(30, 30, 30), Px(2.f * s),
                  cv::LINE_AA);
  }
}

void DrawTree(cv::Mat3b& img, cv::RNG& rng, const Palette& p, cv::Point base,
              float size) {
  const int trunk = Px(size * 0.12f);
  const cv::Point top = base - cv::Point(0, static_cast<int>(size * 1.2f));
  cv::line(img, base, top, cv::Scalar(30, 50, 70), trunk, cv::LINE_AA);
  const int crowns = RandomInt(rng, 3, 7);
  for (int i = 0; i < crowns; ++i) {
    const int dx = static_cast<int>(size * rng.uniform(-0.5f, 0.5f));
    const int dy = static_cast<int>(size * rng.uniform(-0.6f, 0.3f));
    const int r = Px(size * rng.uniform(0.35f, 0.6f));
    cv::circle(img, top + cv::Point(dx, dy), r, Vary(rng, p.vegetation, 0.3f),
               cv::FILLED, cv::LINE_AA);
  }
  // Light from the upper left.
  const int r = Px(size * 0.15f);
  const cv::Point hi = top + cv::Point(-Px(size * 0.25f), -Px(size * 0.35f));
  cv::circle(img, hi, r, ToScalar(p.vegetation * 1.3f), cv::FILLED,
             cv::LINE_AA);
}

void DrawLandscape(cv::Mat3b& img, cv::RNG& rng, const Palette& p) {
  const Horizon hz = PaintTerrain(img, rng, p, true);
  const int w = img.cols;
  const int h = img.rows;
  const float s = h / 1080.f;
  const double area = static_cast<double>(w) * h;
  DrawSky(img, rng, p, hz);

  // Small trees along the far hills.
  const int far_trees = w / 3;
  for (int i = 0; i < far_trees; ++i) {
    const int x = RandomInt(rng, 0, w);
    const int y0 = static_cast<int>(hz.far[x]);
    const int y =
        RandomInt(rng, y0, std::max(y0 + 1, static_cast<int>(hz.near[x])));
    const int r = Px(3.f * s * rng.uniform(0.5f, 1.5f));
    cv::circle(img, {x, y}, r, Vary(rng, p.vegetation * 0.8f, 0.3f), cv::FILLED,
               cv::LINE_AA);
  }

  // A path from the bottom edge towards the hills.
  {
    const int start = RandomInt(rng, w / 4, 3 * w / 4);
    const int end = RandomInt(rng, w / 5, 4 * w / 5);
    const int end_y = static_cast<int>(hz.near[end]) + Px(5.f * s);
    const int half = Px(120.f * s);
    const std::vector<cv::Point> path = {{start - half, h},
                                         {start + half, h},
                                         {end + Px(4.f * s), end_y},
                                         {end - Px(4.f * s), end_y}};
    cv::fillConvexPoly(img, path, ToScalar(Lerp(p.ground, p.cloud, 0.35f)),
                       cv::LINE_AA);
  }

  // Foreground objects from back to front: rocks and trees grow with depth.
  const int objects = static_cast<int>(area / 14000);
  std::vector<cv::Point> spots;
  for (int i = 0; i < objects; ++i) {
    const int x = RandomInt(rng, 0, w);
    const int y = RandomInt(rng, static_cast<int>(hz.near[x]) + 2, h + h / 10);
    spots.emplace_back(x, y);
  }
  std::sort(spots.begin(), spots.end(),
            [](const cv::Point& a, const cv::Point& b) {
              return a.y != b.y ? a.y < b.y : a.x < b.x;
            });
  for (const cv::Point& spot : spots) {
    const float depth = (spot.y - hz.near[spot.x]) / (h - hz.near[spot.x] + 1);
    const float size =
        s * (6.f + 60.f * depth * depth) * rng.uniform(0.6f, 1.4f);
    if (rng.uniform(0.f, 1.f) < 0.3f) {
      const std::vector<cv::Point> rock =
          Blob(rng, spot, size * 0.6f, RandomInt(rng, 5, 9));
      cv::fillPoly(
          img, std::vector<std::vector<cv::Point>>{rock},
          Vary(rng, Lerp(p.ground, cv::Vec3f(120, 120, 120), 0.6f), 0.25f),
          cv::LINE_AA);
    } else {
      DrawTree(img, rng, p, spot, size);
    }
  }

  // Grass strokes in the foreground.
  const int blades = static_cast<int>(area / 700);
  for (int i = 0; i < blades; ++i) {
    const int x = RandomInt(rng, 0, w);
    const int y = RandomInt(rng, static_cast<int>(hz.near[x]), h);
    const float depth = (y - hz.near[x]) / (h - hz.near[x] + 1);
    const float len = s * (2.f + 25.f * depth) * rng.uniform(0.5f, 1.5f);
    const int dx = static_cast<int>(len * rng.uniform(-0.4f, 0.4f));
    cv::line(img, {x, y}, {x + dx, y - static_cast<int>(len)},
             Vary(rng, Lerp(p.vegetation, p.ground, 0.5f), 0.35f), 1,
             cv::LINE_AA);
  }

  // A trail sign.
  {
    static const char* const kPlaces[] = {"SUMMIT", "LAKE",      "VIEWPOINT",
                                          "CAMP",   "FALLS",     "RIDGE",
                                          "HUT",    "TRAILHEAD", "SPRING"};
    const int x = RandomInt(rng, w / 10, 9 * w / 10);
    const int y = RandomInt(rng, (static_cast<int>(hz.near[x]) + h) / 2, h);
    const int board_w = Px(260.f * s);
    const int board_h = Px(70.f * s);
    cv::line(img, {x, y}, {x, y - 3 * board_h}, cv::Scalar(40, 70, 100),
             Px(14.f * s), cv::LINE_AA);
    const cv::Rect board(x - board_w / 2, y - 3 * board_h, board_w, board_h);
    cv::rectangle(img, board, cv::Scalar(40, 90, 140), cv::FILLED);
    cv::rectangle(img, board, cv::Scalar(20, 45, 70), Px(3.f * s));
    const int km10 = RandomInt(rng, 2, 150);
    char text[64];
    std::snprintf(text, sizeof(text), "%s %d.%d KM", Pick(rng, kPlaces),
                  km10 / 10, km10 % 10);
    cv::putText(img, text,
                board.tl() + cv::Point(Px(10.f * s), board_h * 2 / 3),
                cv::FONT_HERSHEY_SIMPLEX, 0.8 * s, cv::Scalar(230, 240, 245),
                Px(2.f * s), cv::LINE_AA);
  }
  DateStamp(img, rng);
}

void DrawCity(cv::Mat3b& img, cv::RNG& rng, const Palette& p) {
  const Horizon hz = PaintTerrain(img, rng, p, false);
  const int w = img.cols;
  const int h = img.rows;
  const float s = h / 1080.f;
  const int horizon = static_cast<int>(hz.far[w / 2]);
  DrawSky(img, rng, p, hz);

  // Hazy skyline far away.
  for (int x = 0; x < w;) {
    const int bw = Px(s * rng.uniform(40.f, 140.f));
    const int bh = Px(h * rng.uniform(0.08f, 0.35f));
    cv::rectangle(img, cv::Rect(x, horizon - bh, bw, bh + 2),
                  Vary(rng, Lerp(p.far_hills, p.sky_horizon, 0.4f), 0.08f),
                  cv::FILLED);
    x += bw;
  }

  // Buildings with windows, a shop sign each.
  static const cv::Vec3f kFacades[] = {{150, 180, 200}, {60, 70, 150},
                                       {130, 130, 130}, {160, 120, 90},
                                       {190, 200, 210}, {80, 100, 110}};
  static const char* const kShops[] = {
      "CAFE",    "BAKERY", "HOTEL",    "PHARMACY", "BOOKS",   "PIZZA",
      "BANK",    "MARKET", "DELI",     "LAUNDRY",  "CINEMA",  "NOODLES",
      "FLOWERS", "GYM",    "OPTICIAN", "HARDWARE", "RECORDS", "TAILOR"};
  const float light = p.lit_windows > 0.3f ? 0.45f : 1.f;
  for (int x = -RandomInt(rng, 0, Px(100.f * s)); x < w;) {
    const int bw = Px(s * rng.uniform(120.f, 380.f));
    const int bh = Px(h * rng.uniform(0.2f, 0.48f));
    const int top = horizon - bh;
    const cv::Vec3f facade = Pick(rng, kFacades) * light;
    cv::rectangle(img, cv::Rect(x, top, bw, bh + 2), Vary(rng, facade, 0.12f),
                  cv::FILLED);
    cv::rectangle(img, cv::Rect(x, top, Px(bw * 0.08f), bh + 2),
                  ToScalar(facade * 0.7f), cv::FILLED);
    const int win_w = Px(s * rng.uniform(14.f, 26.f));
    const int win_h = Px(win_w * rng.uniform(1.1f, 1.8f));
    const int gap_x = Px(win_w * rng.uniform(0.5f, 1.2f));
    const int gap_y = Px(win_h * rng.uniform(0.4f, 0.8f));
    for (int wy = top + gap_y; wy + win_h < horizon - Px(60.f * s);
         wy += win_h + gap_y) {
      for (int wx = x + Px(bw * 0.08f) + gap_x; wx + win_w < x + bw;
           wx += win_w + gap_x) {
        const bool lit = rng.uniform(0.f, 1.f) < p.lit_windows;
        const cv::Scalar color =
            lit ? Vary(rng, cv::Vec3f(120, 210, 250), 0.15f)
                : Vary(rng, Lerp(p.sky_top, cv::Vec3f(40, 40, 40), 0.6f), 0.2f);
        cv::rectangle(img, cv::Rect(wx, wy, win_w, win_h), color, cv::FILLED);
      }
    }
    // Roof details.
    if (rng.uniform(0.f, 1.f) < 0.5f) {
      const int ax =
          x + RandomInt(rng, Px(10.f * s), std::max(Px(11.f * s), bw));
      cv::line(img, {ax, top}, {ax, top - Px(s * rng.uniform(20.f, 80.f))},
               cv::Scalar(40, 40, 40), Px(3.f * s), cv::LINE_AA);
    }
    // Shop sign at street level.
    const cv::Rect sign(x + bw / 6, horizon - Px(55.f * s), bw * 2 / 3,
                        Px(40.f * s));
    cv::rectangle(img, sign, Vary(rng, cv::Vec3f(60, 40, 30), 0.3f),
                  cv::FILLED);
    const char* const shop = Pick(rng, kShops);
    const int font = RandomFont(rng);
    const cv::Scalar ink = Vary(rng, cv::Vec3f(200, 230, 255), 0.1f);
    int baseline = 0;
    const cv::Size unit = cv::getTextSize(shop, font, 1.0, 2, &baseline);
    const double scale =
        std::min({0.9 * s, (sign.width - 16.0 * s) / unit.width,
                  0.6 * sign.height / unit.height});
    cv::putText(img, shop,
                sign.tl() + cv::Point(Px(8.f * s), sign.height * 3 / 4), font,
                scale, ink, Px(2.f * s), cv::LINE_AA);
    x += bw + RandomInt(rng, 0, Px(30.f * s));
  }

  // Sidewalk and road, lane markings towards a vanishing point.
  const int curb = horizon + Px(0.05f * h);
  cv::rectangle(img, cv::Rect(0, horizon, w, curb - horizon),
                ToScalar(Lerp(p.ground, cv::Vec3f(150, 150, 150), 0.7f)),
                cv::FILLED);
  const cv::Mat1f asphalt = SmoothNoise(rng, {w, h - curb}, 24);
  for (int y = curb; y < h; ++y) {
    cv::Vec3b* row = img[y];
    const float* tex = asphalt[y - curb];
    for (int x = 0; x < w; ++x) {
      const uchar v = cv::saturate_cast<uchar>(70.f * light + 18.f * tex[x]);
      row[x] = cv::Vec3b(v, v, v);
    }
  }
  const cv::Point vanish(w / 2 + RandomInt(rng, -w / 8, w / 8), horizon);
  for (int lane = 1; lane < 4; ++lane) {
    const cv::Point bottom(w * lane / 4, h);
    for (float t = 0.05f; t < 1.f; t += 0.12f) {
      const float t2 = std::min(1.f, t + 0.06f);
      const float a = curb + (h - curb) * t;
      const float b = curb + (h - curb) * t2;
      const float fa = (a - horizon) / (h - horizon);
      const float fb = (b - horizon) / (h - horizon);
      cv::line(img,
               {static_cast<int>(vanish.x + (bottom.x - vanish.x) * fa),
                static_cast<int>(a)},
               {static_cast<int>(vanish.x + (bottom.x - vanish.x) * fb),
                static_cast<int>(b)},
               cv::Scalar(200, 225, 235), Px(12.f * s * fa), cv::LINE_AA);
    }
  }

  // Street lamps along the sidewalk.
  for (int x = RandomInt(rng, 0, Px(200.f * s)); x < w;
       x += Px(s * rng.uniform(250.f, 400.f))) {
    const int foot = curb - Px(4.f * s);
    const int head = foot - Px(260.f * s);
    cv::line(img, {x, foot}, {x, head}, cv::Scalar(40, 40, 40), Px(6.f * s),
             cv::LINE_AA);
    cv::line(img, {x, head}, {x + Px(40.f * s), head}, cv::Scalar(40, 40, 40),
             Px(5.f * s), cv::LINE_AA);
    cv::circle(img, {x + Px(40.f * s), head + Px(6.f * s)}, Px(10.f * s),
               p.lit_windows > 0.3f ? cv::Scalar(150, 230, 255)
                                    : cv::Scalar(190, 200, 200),
               cv::FILLED, cv::LINE_AA);
  }

  // Pedestrians on the sidewalk.
  const int people = RandomInt(rng, 4, 4 + w / 120);
  for (int i = 0; i < people; ++i) {
    const cv::Point feet =
        RandomPoint(rng, cv::Rect(0, horizon + Px(4.f * s), w, curb - horizon));
    const int tall = Px(s * rng.uniform(60.f, 90.f));
    cv::ellipse(img, feet - cv::Point(0, tall / 2),
                {Px(tall * 0.15f), tall / 2 - 2}, 0, 0, 360,
                Vary(rng, cv::Vec3f(90, 80, 120), 0.6f), cv::FILLED,
                cv::LINE_AA);
    cv::circle(img, feet - cv::Point(0, tall + Px(tall * 0.08f)),
               Px(tall * 0.1f), cv::Scalar(120, 150, 200), cv::FILLED,
               cv::LINE_AA);
  }

  // Cars, from far to near.
  const int cars = RandomInt(rng, 3, 6 + w / 300);
  std::vector<int> car_y;
  for (int i = 0; i < cars; ++i) car_y.push_back(RandomInt(rng, curb + 10, h));
  std::sort(car_y.begin(), car_y.end());
  for (int y : car_y) {
    const float f = static_cast<float>(y - horizon) / (h - horizon);
    const int cw = Px(420.f * s * f);
    const int ch = Px(cw * 0.32f);
    const int x = RandomInt(rng, -cw / 2, w - cw / 2);
    const float blue = rng.uniform(20.f, 230.f);
    const float green = rng.uniform(20.f, 230.f);
    const float red = rng.uniform(20.f, 230.f);
    const cv::Scalar paint(blue, green, red);
    cv::rectangle(img, cv::Rect(x, y - ch, cw, ch), paint, cv::FILLED,
                  cv::LINE_AA);
    const std::vector<cv::Point> cabin = {{x + cw / 5, y - ch},
                                          {x + cw * 4 / 5, y - ch},
                                          {x + cw * 7 / 10, y - ch * 9 / 5},
                                          {x + cw * 3 / 10, y - ch * 9 / 5}};
    cv::fillConvexPoly(img, cabin, paint, cv::LINE_AA);
    const std::vector<cv::Point> glass = {
        {x + cw * 12 / 50, y - ch - 2},
        {x + cw * 38 / 50, y - ch - 2},
        {x + cw * 68 / 100, y - ch * 17 / 10},
        {x + cw * 32 / 100, y - ch * 17 / 10}};
    cv::fillConvexPoly(img, glass, cv::Scalar(70, 50, 40), cv::LINE_AA);
    for (int wheel : {x + cw / 5, x + cw * 4 / 5}) {
      cv::circle(img, {wheel, y}, Px(ch * 0.35f), cv::Scalar(25, 25, 25),
                 cv::FILLED, cv::LINE_AA);
      cv::circle(img, {wheel, y}, Px(ch * 0.15f), cv::Scalar(160, 160, 160),
                 cv::FILLED, cv::LINE_AA);
    }
    cv::circle(img, {x + cw - Px(cw * 0.03f), y - ch * 2 / 3}, Px(ch * 0.12f),
               cv::Scalar(180, 240, 255), cv::FILLED, cv::LINE_AA);
  }

  // A street name sign.
  {
    static const char* const kStreets[] = {"MAIN ST",   "OAK AVE", "5TH AVE",
                                           "HARBOR RD", "MILL LN", "PARK PL",
                                           "KING ST",   "ELM ST",  "BAY ST"};
    const int x = RandomInt(rng, w / 10, 8 * w / 10);
    const cv::Rect sign(x, horizon - Px(330.f * s), Px(220.f * s),
                        Px(50.f * s));
    cv::line(img, {x + sign.width / 2, curb}, {x + sign.width / 2, sign.y},
             cv::Scalar(50, 60, 50), Px(8.f * s), cv::LINE_AA);
    cv::rectangle(img, sign, cv::Scalar(60, 120, 30), cv::FILLED);
    cv::rectangle(img, sign, cv::Scalar(240, 240, 240), Px(3.f * s));
    cv::putText(img, Pick(rng, kStreets),
                sign.tl() + cv::Point(Px(14.f * s), sign.height * 3 / 4),
                cv::FONT_HERSHEY_DUPLEX, 1.0 * s, cv::Scalar(245, 245, 245),
                Px(2.f * s), cv::LINE_AA);
  }
  DateStamp(img, rng);
}

// Straight lines across `poly` only, like crop rows.
void Stripes(cv::Mat3b& img, cv::RNG& rng, const std::vector<cv::Point>& poly,
             const cv::Scalar& color, float spacing) {
  const cv::Rect box =
      cv::boundingRect(poly) & cv::Rect(0, 0, img.cols, img.rows);
  if (box.width < 2 || box.height < 2) return;
  cv::Mat1b mask(box.size(), uchar{0});
  std::vector<cv::Point> local;
  for (const cv::Point& pt : poly) local.push_back(pt - box.tl());
  cv::fillConvexPoly(mask, local, cv::Scalar(255));
  cv::Mat3b roi = img(box);
  cv::Mat3b lines = roi.clone();
  const float angle = rng.uniform(0.f, kPi);
  const float dx = std::cos(angle);
  const float dy = std::sin(angle);
  const float reach = static_cast<float>(box.width + box.height);
  const int thickness = std::max(1, static_cast<int>(spacing * 0.35f));
  for (float t = -reach; t < reach; t += spacing) {
    const cv::Point2f mid(box.width / 2.f - dy * t, box.height / 2.f + dx * t);
    cv::line(lines,
             {static_cast<int>(mid.x - dx * reach),
              static_cast<int>(mid.y - dy * reach)},
             {static_cast<int>(mid.x + dx * reach),
              static_cast<int>(mid.y + dy * reach)},
             color, thickness, cv::LINE_AA);
  }
  lines.copyTo(roi, mask);
}

// A wandering line across the image, left to right.
std::vector<cv::Point> Meander(cv::RNG& rng, int w, int h, float wobble) {
  std::vector<cv::Point> points;
  float y = h * rng.uniform(0.2f, 0.8f);
  float slope = 0.f;
  const int steps = 60;
  for (int i = 0; i <= steps; ++i) {
    points.emplace_back(w * i / steps, static_cast<int>(y));
    slope = slope * 0.8f + rng.uniform(-wobble, wobble);
    y = std::min(h * 0.95f, std::max(h * 0.05f, y + slope * h / steps));
  }
  return points;
}

void DrawHouse(cv::Mat3b& img, cv::RNG& rng, cv::Point2f center, float size,
               float angle) {
  const float s = img.rows / 1080.f;
  const cv::RotatedRect footprint(
      center, {size, size * rng.uniform(0.6f, 0.9f)}, angle);
  cv::Point2f corners[4];
  footprint.points(corners);
  std::vector<cv::Point> roof;
  std::vector<cv::Point> shadow;
  const cv::Point offset(Px(5.f * s), Px(5.f * s));
  for (const cv::Point2f& c : corners) {
    roof.emplace_back(static_cast<int>(c.x), static_cast<int>(c.y));
    shadow.push_back(roof.back() + offset);
  }
  static const cv::Vec3f kRoofs[] = {{50, 60, 150},
                                     {70, 70, 80},
                                     {60, 90, 140},
                                     {150, 150, 150},
                                     {40, 50, 110}};
  cv::fillConvexPoly(img, shadow, cv::Scalar(30, 45, 35), cv::LINE_AA);
  const cv::Vec3f tile = Pick(rng, kRoofs);
  cv::fillConvexPoly(img, roof, Vary(rng, tile, 0.15f), cv::LINE_AA);
  // The half of the roof facing away from the light is darker.
  const std::vector<cv::Point> half = {
      roof[0], roof[1], (roof[1] + roof[2]) / 2, (roof[0] + roof[3]) / 2};
  cv::fillConvexPoly(img, half, ToScalar(tile * 0.7f), cv::LINE_AA);
  cv::line(img, half[2], half[3], ToScalar(tile * 0.5f), Px(1.5f * s),
           cv::LINE_AA);
}

void DrawAerialTree(cv::Mat3b& img, cv::RNG& rng, const Palette& p, cv::Point c,
                    float r) {
  const cv::Point offset(Px(r * 0.5f), Px(r * 0.5f));
  cv::circle(img, c + offset, Px(r), cv::Scalar(25, 40, 25), cv::FILLED,
             cv::LINE_AA);
  cv::circle(img, c, Px(r), Vary(rng, p.vegetation, 0.3f), cv::FILLED,
             cv::LINE_AA);
  cv::circle(img, c - cv::Point(Px(r * 0.3f), Px(r * 0.3f)), Px(r * 0.45f),
             ToScalar(p.vegetation * 1.35f), cv::FILLED, cv::LINE_AA);
}

void DrawAerial(cv::Mat3b& img, cv::RNG& rng, const Palette& p, Scene scene) {
  const int w = img.cols;
  const int h = img.rows;
  const float s = h / 1080.f;
  const double area = static_cast<double>(w) * h;

  // Ground: two noise fields mix soil and vegetation.
  {
    const cv::Mat1f mix = SmoothNoise(rng, img.size(), 4);
    const cv::Mat1f texture = SmoothNoise(rng, img.size(), 16);
    for (int y = 0; y < h; ++y) {
      cv::Vec3b* row = img[y];
      for (int x = 0; x < w; ++x) {
        const float t = std::min(1.f, std::max(0.f, 0.5f + mix(y, x)));
        const cv::Vec3f c =
            Lerp(p.ground, p.vegetation, t) * (0.8f + 0.35f * texture(y, x));
        row[x] = cv::Vec3b(cv::saturate_cast<uchar>(c[0]),
                           cv::saturate_cast<uchar>(c[1]),
                           cv::saturate_cast<uchar>(c[2]));
      }
    }
  }

  // Fields: a jittered grid of quads, many with crop rows.
  static const cv::Vec3f kCrops[] = {
      {60, 140, 90},  {40, 110, 70},  {80, 170, 190}, {70, 120, 150},
      {50, 150, 120}, {90, 180, 200}, {60, 90, 110}};
  const float cell =
      s * (scene == Scene::kSuburb ? 160.f : 230.f) * rng.uniform(0.8f, 1.2f);
  const int nx = static_cast<int>(w / cell) + 2;
  const int ny = static_cast<int>(h / cell) + 2;
  std::vector<cv::Point> grid;
  for (int j = 0; j <= ny; ++j) {
    for (int i = 0; i <= nx; ++i) {
      const float jx = rng.uniform(-0.3f, 0.3f);
      const float jy = rng.uniform(-0.3f, 0.3f);
      grid.emplace_back(static_cast<int>((i - 1 + jx) * cell),
                        static_cast<int>((j - 1 + jy) * cell));
    }
  }
  const float field_share = scene == Scene::kSuburb ? 0.4f : 0.85f;
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      if (rng.uniform(0.f, 1.f) > field_share) continue;
      const std::vector<cv::Point> quad = {
          grid[j * (nx + 1) + i], grid[j * (nx + 1) + i + 1],
          grid[(j + 1) * (nx + 1) + i + 1], grid[(j + 1) * (nx + 1) + i]};
      const cv::Vec3f crop = Pick(rng, kCrops);
      cv::fillConvexPoly(img, quad, Vary(rng, crop, 0.1f), cv::LINE_AA);
      if (rng.uniform(0.f, 1.f) < 0.7f) {
        Stripes(img, rng, quad, ToScalar(crop * 0.8f),
                s * rng.uniform(6.f, 14.f));
      }
      cv::polylines(img, quad, true, ToScalar(p.vegetation * 0.7f), Px(3.f * s),
                    cv::LINE_AA);
    }
  }

  // River with banks.
  if (scene == Scene::kRiver ||
      (scene == Scene::kFarmland && rng.uniform(0.f, 1.f) < 0.5f)) {
    const std::vector<cv::Point> river = Meander(rng, w, h, 1.2f);
    cv::polylines(img, river, false, ToScalar(p.vegetation * 0.8f),
                  Px(70.f * s), cv::LINE_AA);
    cv::polylines(img, river, false, ToScalar(Lerp(p.ground, p.cloud, 0.3f)),
                  Px(52.f * s), cv::LINE_AA);
    cv::polylines(img, river, false, ToScalar(p.water), Px(40.f * s),
                  cv::LINE_AA);
    cv::polylines(img, river, false, ToScalar(p.water * 1.25f), Px(6.f * s),
                  cv::LINE_AA);
  }

  // Roads.
  const int roads =
      scene == Scene::kSuburb ? RandomInt(rng, 5, 8) : RandomInt(rng, 1, 4);
  std::vector<std::vector<cv::Point>> road_lines;
  for (int i = 0; i < roads; ++i) {
    std::vector<cv::Point> road = Meander(rng, w, h, 0.5f);
    if (i % 2 == 1) {  // Every other road runs top to bottom.
      for (cv::Point& pt : road) pt = cv::Point(pt.y * w / h, pt.x * h / w);
    }
    cv::polylines(img, road, false, cv::Scalar(95, 100, 100), Px(18.f * s),
                  cv::LINE_AA);
    cv::polylines(img, road, false, cv::Scalar(210, 210, 210), Px(1.5f * s),
                  cv::LINE_AA);
    road_lines.push_back(road);
  }

  // Coast: beach and sea below a wandering shore line.
  std::vector<float> sea_level(w, static_cast<float>(h));  // Per column.
  if (scene == Scene::kCoast) {
    const std::vector<cv::Point> shore = Meander(rng, w, h, 0.6f);
    const int beach = Px(40.f * s);
    for (size_t k = 0; k + 1 < shore.size(); ++k) {
      const cv::Point a = shore[k];
      const cv::Point b = shore[k + 1];
      for (int x = a.x; x < std::min(b.x, w); ++x) {
        const float t = static_cast<float>(x - a.x) / std::max(1, b.x - a.x);
        sea_level[x] = Lerp(a.y, b.y, t) + beach;
      }
    }
    std::vector<cv::Point> sea = shore;
    sea.emplace_back(w, h);
    sea.emplace_back(0, h);
    cv::fillPoly(img, std::vector<std::vector<cv::Point>>{sea},
                 ToScalar(Lerp(p.ground, p.cloud, 0.45f)), cv::LINE_AA);
    for (cv::Point& pt : sea) {
      if (pt.y < h) pt.y += beach;
    }
    cv::fillPoly(img, std::vector<std::vector<cv::Point>>{sea},
                 ToScalar(p.water), cv::LINE_AA);
    // Deeper water is darker, with a texture of waves.
    const cv::Mat1f waves = SmoothNoise(rng, img.size(), 24);
    for (int y = 0; y < h; ++y) {
      cv::Vec3b* row = img[y];
      for (int x = 0; x < w; ++x) {
        const float depth = (y - sea_level[x]) / h;
        if (depth < 0.f) continue;
        const float k = (1.f - 0.6f * depth) * (1.f + 0.12f * waves(y, x));
        for (int c = 0; c < 3; ++c) {
          row[x][c] = cv::saturate_cast<uchar>(row[x][c] * k);
        }
      }
    }
    // Surf lines, translucent.
    cv::Mat3b over = img.clone();
    for (int k = 0; k < 6; ++k) {
      std::vector<cv::Point> wave = shore;
      for (cv::Point& pt : wave) pt.y += Px(s * (48.f + 30.f * k));
      cv::polylines(over, wave, false, cv::Scalar(235, 235, 230), Px(4.f * s),
                    cv::LINE_AA);
    }
    Blend(img, over, 90);
  }
  // Whether a point is on land, with a margin of `r` pixels.
  const auto on_land = [&](cv::Point2f c, float r) {
    const int x = std::min(w - 1, std::max(0, static_cast<int>(c.x)));
    return c.y + r < sea_level[x];
  };

  // Houses: along roads in the suburb, in a few clusters elsewhere.
  const int clusters = scene == Scene::kSuburb ? 0 : RandomInt(rng, 2, 6);
  for (int c = 0; c < clusters; ++c) {
    const cv::Point center = RandomPoint(rng, cv::Rect(0, 0, w, h));
    const int houses = RandomInt(rng, 4, 16);
    const float angle = rng.uniform(0.f, 90.f);
    for (int i = 0; i < houses; ++i) {
      const float dx = rng.uniform(-1.f, 1.f) * 140.f * s;
      const float dy = rng.uniform(-1.f, 1.f) * 140.f * s;
      const float size = s * rng.uniform(22.f, 40.f);
      const float turn = rng.uniform(-5.f, 5.f);
      const cv::Point2f spot(center.x + dx, center.y + dy);
      if (on_land(spot, size)) DrawHouse(img, rng, spot, size, angle + turn);
    }
  }
  if (scene == Scene::kSuburb) {
    for (const std::vector<cv::Point>& road : road_lines) {
      for (size_t k = 0; k + 1 < road.size(); ++k) {
        const cv::Point2f a = road[k];
        const cv::Point2f b = road[k + 1];
        const cv::Point2f d = b - a;
        const float len = std::max(1.f, std::sqrt(d.x * d.x + d.y * d.y));
        const cv::Point2f normal(-d.y / len, d.x / len);
        const float angle = std::atan2(d.y, d.x) * 180.f / kPi;
        for (int side : {-1, 1}) {
          if (rng.uniform(0.f, 1.f) < 0.2f) continue;
          const cv::Point2f mid = (a + b) * 0.5f + normal * (side * 38.f * s);
          DrawHouse(img, rng, mid, s * rng.uniform(26.f, 40.f), angle);
        }
      }
    }
  }

  // Trees, with shadows.
  const int trees =
      static_cast<int>(area / (scene == Scene::kSuburb ? 1500 : 2500));
  for (int i = 0; i < trees; ++i) {
    const cv::Point c = RandomPoint(rng, cv::Rect(0, 0, w, h));
    const float r = s * rng.uniform(4.f, 12.f);
    if (on_land(c, r)) DrawAerialTree(img, rng, p, c, r);
  }

  // Survey caption.
  char text[96];
  const int tile_x = RandomInt(rng, 100, 999);
  const int tile_y = RandomInt(rng, 100, 999);
  const int cm = RandomInt(rng, 10, 60);
  std::snprintf(text, sizeof(text), "TILE %d/%d  0.%02d M/PX", tile_x, tile_y,
                cm);
  Label(img, text, {Px(20.f * s), h - Px(20.f * s)}, cv::FONT_HERSHEY_SIMPLEX,
        0.9 * s, cv::Scalar(240, 240, 240), Px(2.f * s));
}

// Light background with a vertical gradient and faint paper texture.
void PaintPaper(cv::Mat3b& img, cv::RNG& rng) {
  const cv::Mat1f texture = SmoothNoise(rng, img.size(), 32);
  for (int y = 0; y < img.rows; ++y) {
    const float t = static_cast<float>(y) / img.rows;
    const cv::Vec3f c = Lerp({250, 248, 246}, {232, 230, 226}, t);
    cv::Vec3b* row = img[y];
    for (int x = 0; x < img.cols; ++x) {
      const float k = 1.f + 0.015f * texture(y, x);
      row[x] = cv::Vec3b(cv::saturate_cast<uchar>(c[0] * k),
                         cv::saturate_cast<uchar>(c[1] * k),
                         cv::saturate_cast<uchar>(c[2] * k));
    }
  }
}

const cv::Vec3f kSeriesColors[] = {{180, 119, 31},
                                   {14, 127, 255},
                                   {44, 160, 44},
                                   {40, 39, 214},
                                   {189, 103, 148}};

void DrawChart(cv::Mat3b& img, cv::RNG& rng) {
  PaintPaper(img, rng);
  const int w = img.cols;
  const int h = img.rows;
  const float s = h / 720.f;
  static const char* const kTitles[] = {"Frames per second", "Latency (ms)",
                                        "Requests per minute",
                                        "Bytes sent (MB)", "Cache hit rate"};
  cv::putText(img, Pick(rng, kTitles), {Px(40.f * s), Px(50.f * s)},
              cv::FONT_HERSHEY_DUPLEX, 1.1 * s, cv::Scalar(40, 40, 40),
              Px(2.f * s), cv::LINE_AA);

  // Bar chart with a line series on the left.
  const cv::Rect plot(Px(80.f * s), Px(90.f * s), w * 62 / 100,
                      h - Px(170.f * s));
  for (int k = 0; k <= 5; ++k) {
    const int y = plot.y + plot.height * k / 5;
    cv::line(img, {plot.x, y}, {plot.x + plot.width, y},
             cv::Scalar(210, 210, 210), 1, cv::LINE_AA);
    char tick[16];
    std::snprintf(tick, sizeof(tick), "%d", (5 - k) * 20);
    cv::putText(img, tick, {plot.x - Px(45.f * s), y + Px(5.f * s)},
                cv::FONT_HERSHEY_SIMPLEX, 0.5 * s, cv::Scalar(90, 90, 90), 1,
                cv::LINE_AA);
  }
  const int groups = RandomInt(rng, 6, 12);
  const int series = RandomInt(rng, 2, 4);
  const float group_w = static_cast<float>(plot.width) / groups;
  float level = rng.uniform(0.3f, 0.7f);
  for (int g = 0; g < groups; ++g) {
    for (int k = 0; k < series; ++k) {
      level =
          std::min(0.95f, std::max(0.05f, level + rng.uniform(-0.15f, 0.15f)));
      const int bar_w = static_cast<int>(group_w * 0.8f / series);
      const int x =
          plot.x + static_cast<int>(g * group_w + group_w * 0.1f) + k * bar_w;
      const int bar_h = static_cast<int>(plot.height * level);
      const cv::Rect bar(x, plot.y + plot.height - bar_h, bar_w - 2, bar_h);
      cv::rectangle(img, bar, ToScalar(kSeriesColors[k]), cv::FILLED);
      cv::rectangle(img, cv::Rect(bar.x, bar.y, bar.width / 3, bar.height),
                    ToScalar(Lerp(kSeriesColors[k], {255, 255, 255}, 0.25f)),
                    cv::FILLED);
    }
    char label[16];
    std::snprintf(label, sizeof(label), "W%d", g + 1);
    cv::putText(img, label,
                {plot.x + static_cast<int>(g * group_w + group_w * 0.3f),
                 plot.y + plot.height + Px(25.f * s)},
                cv::FONT_HERSHEY_SIMPLEX, 0.55 * s, cv::Scalar(60, 60, 60), 1,
                cv::LINE_AA);
  }
  std::vector<cv::Point> trend;
  float v = rng.uniform(0.3f, 0.7f);
  for (int x = plot.x; x < plot.x + plot.width; x += Px(4.f * s)) {
    v = std::min(0.98f, std::max(0.02f, v + rng.uniform(-0.04f, 0.04f)));
    trend.emplace_back(x, plot.y + static_cast<int>(plot.height * (1.f - v)));
  }
  cv::polylines(img, trend, false, cv::Scalar(30, 30, 30), Px(2.f * s),
                cv::LINE_AA);
  for (size_t i = 0; i < trend.size(); i += 8) {
    cv::circle(img, trend[i], Px(4.f * s), cv::Scalar(30, 30, 30), cv::FILLED,
               cv::LINE_AA);
  }
  cv::line(img, {plot.x, plot.y}, {plot.x, plot.y + plot.height},
           cv::Scalar(40, 40, 40), Px(2.f * s), cv::LINE_AA);
  cv::line(img, {plot.x, plot.y + plot.height},
           {plot.x + plot.width, plot.y + plot.height}, cv::Scalar(40, 40, 40),
           Px(2.f * s), cv::LINE_AA);

  // Pie chart and a table of numbers on the right.
  const cv::Point pie(w * 84 / 100, h * 32 / 100);
  const int radius = Px(110.f * s);
  double start = -90.0;
  for (int k = 0; k < 5; ++k) {
    const double sweep = k == 4 ? 270.0 - start : rng.uniform(30.0, 90.0);
    cv::ellipse(img, pie, {radius, radius}, 0, start, start + sweep,
                ToScalar(kSeriesColors[k]), cv::FILLED, cv::LINE_AA);
    start += sweep;
  }
  cv::circle(img, pie, radius / 2, cv::Scalar(245, 245, 245), cv::FILLED,
             cv::LINE_AA);
  static const char* const kNames[] = {"baseline", "streaming", "batched",
                                       "zero-copy", "cached"};
  for (int k = 0; k < 5; ++k) {
    const int y = h * 58 / 100 + k * Px(36.f * s);
    const int x = w * 70 / 100;
    cv::rectangle(img,
                  cv::Rect(x, y - Px(14.f * s), Px(18.f * s), Px(18.f * s)),
                  ToScalar(kSeriesColors[k]), cv::FILLED);
    const int value = RandomInt(rng, 100, 99999);
    char row[64];
    std::snprintf(row, sizeof(row), "%-10s %6d", kNames[k], value);
    cv::putText(img, row, {x + Px(28.f * s), y}, cv::FONT_HERSHEY_PLAIN,
                1.4 * s, cv::Scalar(50, 50, 50), 1, cv::LINE_AA);
  }
}

void DrawDiagram(cv::Mat3b& img, cv::RNG& rng) {
  PaintPaper(img, rng);
  const int w = img.cols;
  const int h = img.rows;
  const float s = h / 768.f;
  // Dotted grid, like a whiteboard.
  for (int y = Px(16.f * s); y < h; y += Px(24.f * s)) {
    for (int x = Px(16.f * s); x < w; x += Px(24.f * s)) {
      cv::circle(img, {x, y}, 1, cv::Scalar(200, 195, 190), cv::FILLED);
    }
  }
  static const char* const kNodes[] = {
      "client", "server", "store", "cache",  "decoder", "encoder", "queue",
      "proxy",  "probe",  "bench", "stream", "disk",    "index",   "codec"};
  const int rows = RandomInt(rng, 3, 5);
  std::vector<std::vector<cv::Rect>> boxes(rows);
  for (int r = 0; r < rows; ++r) {
    const int cols = RandomInt(rng, 2, 5);
    for (int c = 0; c < cols; ++c) {
      const int bw = Px(170.f * s);
      const int bh = Px(70.f * s);
      const int cx = w * (2 * c + 1) / (2 * cols) + RandomInt(rng, -20, 20);
      const int cy = h * (2 * r + 1) / (2 * rows) + RandomInt(rng, -10, 10);
      boxes[r].emplace_back(cx - bw / 2, cy - bh / 2, bw, bh);
    }
  }
  // Arrows first, so boxes cover their ends.
  for (int r = 0; r + 1 < rows; ++r) {
    for (const cv::Rect& from : boxes[r]) {
      const int links = RandomInt(rng, 1, 3);
      for (int k = 0; k < links; ++k) {
        const cv::Rect& to = boxes[r + 1][RandomInt(
            rng, 0, static_cast<int>(boxes[r + 1].size()))];
        cv::arrowedLine(img, {from.x + from.width / 2, from.y + from.height},
                        {to.x + to.width / 2, to.y}, cv::Scalar(70, 70, 70),
                        Px(2.f * s), cv::LINE_AA, 0, 0.04);
      }
    }
  }
  for (const std::vector<cv::Rect>& row : boxes) {
    for (const cv::Rect& box : row) {
      const cv::Vec3f color =
          Lerp(Pick(rng, kSeriesColors), {255, 255, 255}, 0.6f);
      cv::rectangle(img, box + cv::Point(Px(4.f * s), Px(4.f * s)),
                    cv::Scalar(190, 190, 190), cv::FILLED);
      cv::rectangle(img, box, ToScalar(color), cv::FILLED);
      cv::rectangle(img, box, ToScalar(color * 0.5f), Px(2.f * s), cv::LINE_AA);
      char label[32];
      const char* const node = Pick(rng, kNodes);
      const int instance = RandomInt(rng, 1, 10);
      std::snprintf(label, sizeof(label), "%s-%d", node, instance);
      cv::putText(img, label,
                  box.tl() + cv::Point(Px(12.f * s), box.height * 3 / 5),
                  cv::FONT_HERSHEY_SIMPLEX, 0.75 * s, cv::Scalar(30, 30, 30),
                  Px(1.5f * s), cv::LINE_AA);
    }
  }
}

// Fine texture and vignetting, as a lens and a sensor would add.
void Develop(cv::Mat3b& img, cv::RNG& rng, float grain, float vignette) {
  const cv::Mat1f texture = SmoothNoise(rng, img.size(), img.cols / 24);
  const float cx = img.cols / 2.f;
  const float cy = img.rows / 2.f;
  const float norm = 1.f / (cx * cx + cy * cy);
  for (int y = 0; y < img.rows; ++y) {
    cv::Vec3b* row = img[y];
    const float* tex = texture[y];
    const float dy2 = (y - cy) * (y - cy);
    for (int x = 0; x < img.cols; ++x) {
      const float r2 = ((x - cx) * (x - cx) + dy2) * norm;
      const float k = (1.f + grain * tex[x]) * (1.f - vignette * r2);
      for (int c = 0; c < 3; ++c) {
        row[x][c] = cv::saturate_cast<uchar>(row[x][c] * k);
      }
    }
  }
}

// Adds Gaussian noise to every channel of each pixel.
void AddNoise(cv::Mat& img, cv::RNG& rng, double sigma) {
  if (sigma <= 0) return;
  const int channels = img.channels();
  for (int y = 0; y < img.rows; ++y) {
    uchar* row = img.ptr<uchar>(y);
    for (int x = 0; x < img.cols; ++x) {
      for (int c = 0; c < channels; ++c) {
        uchar& v = row[x * channels + c];
        v = cv::saturate_cast<uchar>(v + cvRound(rng.gaussian(sigma)));
      }
    }
  }
}

// Cuts the picture into a rounded sticker with a punched hole, a
// translucent caption bar and a soft shadow on a transparent background.
cv::Mat WithAlpha(const cv::Mat3b& bgr, cv::RNG& rng) {
  const int w = bgr.cols;
  const int h = bgr.rows;
  const int margin = std::min(w, h) / 12;
  const int radius = std::min(w, h) / 8;
  cv::Mat1b shape(bgr.size(), uchar{0});
  const cv::Rect inner(margin, margin, w - 2 * margin, h - 2 * margin);
  cv::rectangle(shape,
                cv::Rect(inner.x + radius, inner.y, inner.width - 2 * radius,
                         inner.height),
                cv::Scalar(255), cv::FILLED);
  cv::rectangle(shape,
                cv::Rect(inner.x, inner.y + radius, inner.width,
                         inner.height - 2 * radius),
                cv::Scalar(255), cv::FILLED);
  for (const cv::Point& corner :
       {cv::Point(inner.x + radius, inner.y + radius),
        cv::Point(inner.x + inner.width - radius - 1, inner.y + radius),
        cv::Point(inner.x + radius, inner.y + inner.height - radius - 1),
        cv::Point(inner.x + inner.width - radius - 1,
                  inner.y + inner.height - radius - 1)}) {
    cv::circle(shape, corner, radius, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  }
  const cv::Point hole(inner.x + inner.width - radius,
                       inner.y + RandomInt(rng, radius / 2, radius));
  cv::circle(shape, hole, std::max(4, radius / 4), cv::Scalar(0), cv::FILLED,
             cv::LINE_AA);
  // Caption bar, half transparent.
  cv::Mat1b caption(bgr.size(), uchar{255});
  cv::rectangle(caption,
                cv::Rect(inner.x, inner.y + inner.height * 4 / 5, inner.width,
                         inner.height / 5),
                cv::Scalar(150), cv::FILLED);
  cv::Mat1b shadow(bgr.size(), uchar{0});
  const int offset = margin / 4;
  shape(cv::Rect(0, 0, w - offset, h - offset))
      .copyTo(shadow(cv::Rect(offset, offset, w - offset, h - offset)));
  cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), margin / 5.0);

  cv::Mat4b out(bgr.size());
  for (int y = 0; y < h; ++y) {
    const cv::Vec3b* src = bgr[y];
    const uchar* sa = shape[y];
    const uchar* ca = caption[y];
    const uchar* sh = shadow[y];
    cv::Vec4b* dst = out[y];
    for (int x = 0; x < w; ++x) {
      const int a = sa[x] * ca[x] / 255;
      const int shadow_a = sh[x] * 100 / 255;
      if (sa[x] > 0) {
        dst[x] = cv::Vec4b(src[x][0], src[x][1], src[x][2],
                           static_cast<uchar>(a + shadow_a * (255 - a) / 255));
      } else {
        dst[x] = cv::Vec4b(0, 0, 0, static_cast<uchar>(shadow_a));
      }
    }
  }
  return out;
}

cv::Mat Render(const ImageSpec& spec) {
  cv::RNG rng(spec.seed);
  const Palette palette = PaletteFor(spec.mood);
  cv::Mat3b img(spec.height, spec.width, cv::Vec3b(0, 0, 0));
  bool photo = true;
  switch (spec.scene) {
    case Scene::kLandscape:
      DrawLandscape(img, rng, palette);
      break;
    case Scene::kCity:
      DrawCity(img, rng, palette);
      break;
    case Scene::kFarmland:
    case Scene::kRiver:
    case Scene::kSuburb:
    case Scene::kCoast:
      DrawAerial(img, rng, palette, spec.scene);
      break;
    case Scene::kChart:
      DrawChart(img, rng);
      photo = false;
      break;
    case Scene::kDiagram:
      DrawDiagram(img, rng);
      photo = false;
      break;
  }
  if (photo) {
    Develop(img, rng, 0.06f, 0.35f);
    cv::GaussianBlur(img, img, cv::Size(0, 0), 0.8);
  } else {
    cv::GaussianBlur(img, img, cv::Size(0, 0), 0.5);
  }
  cv::Mat out = img;
  if (spec.channels == 1) {
    cv::cvtColor(img, out, cv::COLOR_BGR2GRAY);
  }
  AddNoise(out, rng, spec.noise_sigma);
  if (spec.channels == 4) out = WithAlpha(out, rng);
  return out;
}

// Renders and writes one image; on failure returns false with `error` set.
bool Generate(const ImageSpec& spec, const fs::path& out_dir,
              std::string* error) {
  const fs::path path = out_dir / spec.path;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    *error = "cannot create directory " + path.parent_path().string() + ": " +
             ec.message();
    return false;
  }
  std::vector<int> params;
  if (absl::EndsWith(spec.path, ".jpg")) {
    params = {cv::IMWRITE_JPEG_QUALITY, spec.jpeg_quality};
  } else {
    params = {cv::IMWRITE_PNG_COMPRESSION, 9};
  }
  const cv::Mat img = Render(spec);
  bool written = false;
  try {
    written = cv::imwrite(path.string(), img, params);
  } catch (const cv::Exception& e) {
    *error = "cannot write " + path.string() + ": " + e.err;
    return false;
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (!written || ec) {
    *error = "cannot write " + path.string();
    return false;
  }
  std::printf("%-32s %4dx%-4d %d ch %9ju bytes\n", spec.path, img.cols,
              img.rows, img.channels(), size);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr char kProgram[] = "generate_images";
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "Writes the default image set (what ./run serves, committed as "
       "images/) into --out_dir: JPEGs and PNGs from 640x480 to 3840x2160, "
       "deterministic. scripts/generate_images runs it and replaces images/.",
       "generate_images --out_dir=DIR"});
  if (const absl::Status arguments =
          image_common::CheckNoArguments(absl::ParseCommandLine(argc, argv));
      !arguments.ok()) {
    return image_common::FailWith(kProgram, arguments.message());
  }
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) {
    return image_common::FailWith(kProgram, "--out_dir is required");
  }
  // Failures are reported once, below, not also by OpenCV's logger.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  for (const ImageSpec& spec : kImages) {
    std::string error;
    if (!Generate(spec, out_dir, &error)) {
      return image_common::FailWith(kProgram, error);
    }
  }
  return 0;
}
