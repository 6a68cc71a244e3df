# ruff: noqa: E501  (the translation table reads best one message per line)
"""One error shape for every 4xx, naming the field, in Vietnamese, English and Chinese.

Why one shape: carriers' integrations (and people at the carrier page) should
parse one thing. ``detail`` keeps FastAPI's list-of-``{loc, msg, type}`` form so
generic clients still work, and each item adds ``field`` (dotted path in the
request, e.g. ``cargo.0.hs_code``) and ``messages`` (``vi``/``en``/``zh``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.carriers import CarrierError
from services.trips.errors import FieldProblem, NotFound, TripInputError, TripStateError

#: code -> (vi, en, zh); ``{name}`` placeholders are filled from the error's context.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "plate_invalid": ("Biển số không đúng định dạng Việt Nam hoặc Trung Quốc.",
                      "Not a Vietnamese or Chinese plate.", "不是有效的越南或中国车牌。"),
    "plate_province_unissued": ("Mã tỉnh {province} trên biển số không được cấp.",
                                "Province code {province} is not issued.",
                                "越南车牌省份代码{province}未被发放。"),
    "trailer_invalid": ("Biển số rơ-moóc không hợp lệ (VN: seri R; TQ: kết thúc bằng 挂).",
                        "Not a trailer plate (VN series R; CN ending in 挂).",
                        "不是有效的挂车号牌（越南R系列；中国以“挂”结尾）。"),
    "plate_required": ("Cần có biển số hoặc mã phương tiện.", "Give a plate or a vehicle_id.",
                       "请提供车牌号或车辆编号。"),
    "plate_vehicle_mismatch": ("Biển số khác với biển số của phương tiện.",
                               "The plate differs from the vehicle's plate.",
                               "车牌号与车辆登记的车牌不一致。"),
    "hs_code_invalid": ("Mã HS phải có 4, 6, 8 hoặc 10 chữ số.",
                        "HS code must have 4, 6, 8 or 10 digits.", "HS编码必须为4、6、8或10位数字。"),
    "declaration_invalid": ("Số tờ khai hải quan gồm 12 chữ số.",
                            "A customs declaration number has 12 digits.", "报关单号应为12位数字。"),
    "document_dates": ("Ngày hết hạn trước ngày hiệu lực.", "valid_to is before valid_from.",
                       "失效日期早于生效日期。"),
    "window_order": ("Thời điểm kết thúc phải sau thời điểm bắt đầu.",
                     "window_end must be after window_start.", "到达时间窗结束必须晚于开始。"),
    "window_too_long": ("Khung giờ đến tối đa {hours} giờ.",
                        "An arrival window may last at most {hours} h.", "到达时间窗最长{hours}小时。"),
    "window_too_far": ("Chỉ khai báo trước tối đa {days} ngày.",
                       "Declare at most {days} days ahead.", "最多提前{days}天申报。"),
    "lead_time": ("Phải khai báo trước ít nhất {minutes} phút so với cuối khung giờ đến.",
                  "Declare at least {minutes} min before the arrival window ends.",
                  "须在到达时间窗结束前至少{minutes}分钟申报。"),
    "gate_unknown": ("Cửa khẩu không tồn tại.", "Unknown gate.", "未知口岸。"),
    "direction_not_at_gate": ("Cửa khẩu không có làn cho chiều đi này.",
                              "This gate has no lane for that direction.", "该口岸没有此方向的车道。"),
    "vehicle_unknown": ("Không tìm thấy phương tiện.", "No such vehicle.", "未找到该车辆。"),
    "driver_unknown": ("Không tìm thấy lái xe.", "No such driver.", "未找到该司机。"),
    "cursor_invalid": ("Con trỏ phân trang không hợp lệ.", "Not a cursor from this API.",
                       "分页游标无效。"),
    "missing": ("Thiếu trường bắt buộc.", "Field required.", "缺少必填字段。"),
    "extra_forbidden": ("Trường này không được phép gửi (do hệ thống quản lý).",
                        "This field may not be sent (it is set by the system).",
                        "不允许提交此字段（由系统设置）。"),
    "string_too_short": ("Cần ít nhất {min_length} ký tự.", "At least {min_length} characters.",
                         "至少需要{min_length}个字符。"),
    "string_too_long": ("Tối đa {max_length} ký tự.", "At most {max_length} characters.",
                        "最多{max_length}个字符。"),
    "string_pattern_mismatch": ("Sai định dạng.", "Wrong format.", "格式错误。"),
    "string_type": ("Phải là chuỗi ký tự.", "Must be a string.", "必须是字符串。"),
    "greater_than": ("Phải lớn hơn {gt}.", "Must be greater than {gt}.", "必须大于{gt}。"),
    "greater_than_equal": ("Phải từ {ge} trở lên.", "Must be at least {ge}.", "必须不小于{ge}。"),
    "less_than_equal": ("Tối đa là {le}.", "Must be at most {le}.", "必须不大于{le}。"),
    "enum": ("Giá trị phải là một trong: {expected}.", "Must be one of: {expected}.",
             "取值必须为：{expected}。"),
    "literal_error": ("Giá trị phải là một trong: {expected}.", "Must be one of: {expected}.",
                      "取值必须为：{expected}。"),
    "timezone_aware": ("Thời gian phải có múi giờ (vd. +07:00).",
                       "The time needs a timezone (e.g. +07:00).", "时间必须带时区（如+07:00）。"),
    "datetime_from_date_parsing": ("Thời gian không hợp lệ (ISO 8601).",
                                   "Not a valid date-time (ISO 8601).", "日期时间无效（ISO 8601）。"),
    "datetime_parsing": ("Thời gian không hợp lệ (ISO 8601).", "Not a valid date-time (ISO 8601).",
                         "日期时间无效（ISO 8601）。"),
    "datetime_type": ("Thời gian không hợp lệ (ISO 8601).", "Not a valid date-time (ISO 8601).",
                      "日期时间无效（ISO 8601）。"),
    "date_from_datetime_parsing": ("Ngày không hợp lệ (YYYY-MM-DD).", "Not a valid date "
                                   "(YYYY-MM-DD).", "日期无效（YYYY-MM-DD）。"),
    "bool_parsing": ("Phải là true hoặc false.", "Must be true or false.", "必须为true或false。"),
    "bool_type": ("Phải là true hoặc false.", "Must be true or false.", "必须为true或false。"),
    "float_parsing": ("Phải là số.", "Must be a number.", "必须是数字。"),
    "float_type": ("Phải là số.", "Must be a number.", "必须是数字。"),
    "int_parsing": ("Phải là số nguyên.", "Must be an integer.", "必须是整数。"),
    "list_type": ("Phải là danh sách.", "Must be a list.", "必须是列表。"),
    "too_long": ("Danh sách quá dài (tối đa {max_length}).", "Too many items (at most "
                 "{max_length}).", "条目过多（最多{max_length}个）。"),
    "json_invalid": ("JSON không hợp lệ.", "Invalid JSON.", "JSON格式无效。"),
    "model_attributes_type": ("Phải là một đối tượng JSON.", "Must be a JSON object.",
                              "必须是JSON对象。"),
    "dict_type": ("Phải là một đối tượng JSON.", "Must be a JSON object.", "必须是JSON对象。"),
    "url_parsing": ("Địa chỉ URL không hợp lệ.", "Not a valid URL.", "URL无效。"),
    "url_scheme": ("URL phải bắt đầu bằng http(s)://.", "The URL must be http(s)://.",
                   "URL必须以http(s)://开头。"),
    "not_found": ("Không tìm thấy.", "Not found.", "未找到。"),
    "unauthorized": ("Thiếu hoặc sai khóa API (X-API-Key).", "Missing or invalid API key "
                     "(X-API-Key).", "缺少或无效的API密钥（X-API-Key）。"),
    "rate_limited": ("Quá nhiều yêu cầu; thử lại sau {retry_after} giây.",
                     "Too many requests; retry in {retry_after} s.", "请求过多，请{retry_after}秒后重试。"),
    "idempotency_key_reused": ("Idempotency-Key đã dùng cho một yêu cầu khác.",
                               "This Idempotency-Key was used with a different request.",
                               "该幂等键已用于不同的请求。"),
    "plate_already_declared": ("Biển số này đã có chuyến khác tại cửa khẩu trong khung giờ đó.",
                               "This plate already has a trip at this gate in that window.",
                               "该车牌在此时间窗内已在该口岸申报了行程。"),
    "not_amendable": ("Chuyến ở trạng thái {status} không thể sửa.",
                      "A trip in status {status} cannot be amended.", "状态为{status}的行程不能修改。"),
    "not_submittable": ("Chuyến ở trạng thái {status} không thể gửi.",
                        "A trip in status {status} cannot be submitted.", "状态为{status}的行程不能提交。"),
    "not_cancellable": ("Chuyến ở trạng thái {status} không thể hủy.",
                        "A trip in status {status} cannot be cancelled.", "状态为{status}的行程不能取消。"),
    "not_deletable": ("Chỉ xóa được chuyến nháp; hãy hủy chuyến.",
                      "Only draft trips can be deleted; cancel instead.", "只能删除草稿行程，请改为取消。"),
    "vehicle_exists": ("Biển số này đã được đăng ký.", "This plate is already registered.",
                       "该车牌已登记。"),
    "vehicle_in_use": ("Có chuyến đi dùng phương tiện này.", "Trips refer to this vehicle.",
                       "有行程使用该车辆。"),
    "driver_in_use": ("Có chuyến đi dùng lái xe này.", "Trips refer to this driver.",
                      "有行程使用该司机。"),
    "email_taken": ("Email đã có tài khoản.", "This e-mail already has an account.",
                    "该邮箱已注册。"),
    "password_too_short": ("Mật khẩu cần ít nhất 10 ký tự.", "Passwords need 10+ characters.",
                           "密码至少需要10个字符。"),
    "csv_invalid": ("Tệp CSV không hợp lệ: {reason}", "Invalid CSV file: {reason}",
                    "CSV文件无效：{reason}"),
    "url_invalid": ("Địa chỉ webhook không hợp lệ.", "Invalid webhook URL.", "Webhook地址无效。"),
}
_FALLBACK = ("Giá trị không hợp lệ: {msg}", "{msg}", "值无效：{msg}")
#: Model-level errors have no field of their own: point them at the field to fix.
_CODE_FIELD = {"window_order": "window_end", "plate_required": "plate",
               "document_dates": "valid_to"}
_SOURCES = {"body", "query", "path", "header", "cookie"}


class ErrorItem(BaseModel):
    loc: list[str | int]
    field: str = Field(description="dotted path of the offending field ('' if none)")
    type: str = Field(description="stable error code")
    msg: str = Field(description="English message")
    messages: dict[str, str] = Field(description="the message in vi, en and zh")


class ErrorRead(BaseModel):
    detail: list[ErrorItem]


class ApiError(Exception):
    """A 4xx raised by a route: status, code, optional field, parameters for the message."""

    def __init__(self, status: int, code: str, field: str | None = None, *,
                 headers: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.field, self.params = status, code, field, params
        self.headers = headers


def translate(code: str, en_fallback: str = "", **params: Any) -> dict[str, str]:
    vi, en, zh = CATALOGUE.get(code, _FALLBACK)
    values = {"msg": en_fallback or code, **params}
    out = {}
    for lang, text in (("vi", vi), ("en", en), ("zh", zh)):
        try:
            out[lang] = text.format(**values)
        except (KeyError, IndexError, ValueError):
            out[lang] = text
    return out


def item(loc: list[str | int], code: str, en_fallback: str = "", **params: Any) -> dict[str, Any]:
    loc = list(loc)
    if code in _CODE_FIELD and (not loc or loc[-1] in _SOURCES or isinstance(loc[-1], int)):
        loc.append(_CODE_FIELD[code])
    field = ".".join(str(p) for p in (loc[1:] if loc and loc[0] in _SOURCES else loc))
    messages = translate(code, en_fallback, **params)
    return {"loc": loc, "field": field, "type": code, "msg": messages["en"], "messages": messages}


def validation_item(err: Mapping[str, Any]) -> dict[str, Any]:
    """One pydantic error as an item, its context filling the message ("province code 91 is
    not issued", "at least 4 characters"): the API and the carrier page say the same."""
    ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int)}
    return item(list(err.get("loc", ())), str(err.get("type", "value_error")),
                str(err.get("msg", "")), **ctx)


def problems_body(problems: list[FieldProblem]) -> dict[str, Any]:
    return {"detail": [item(["body", *p.loc], p.code, p.message, **p.params) for p in problems]}


def _json(status: int, detail: list[dict[str, Any]],
          headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into :class:`ErrorRead`."""

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _json(422, [validation_item(err) for err in exc.errors()])

    async def trip_input(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, TripInputError)
        return _json(422, problems_body(exc.problems)["detail"])

    async def trip_state(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, TripStateError)
        loc: list[str | int] = ["body", exc.field] if exc.field else []
        return _json(409, [item(loc, exc.code, str(exc), **exc.params)])

    async def carrier_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CarrierError)
        loc: list[str | int] = ["body", exc.field] if exc.field else []
        return _json(422, [item(loc, exc.code, str(exc))])

    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        loc: list[str | int] = [exc.field] if exc.field else []
        return _json(exc.status, [item(loc, exc.code, exc.code, **exc.params)], exc.headers)

    async def not_found(_: Request, exc: Exception) -> JSONResponse:
        return _json(404, [item([], "not_found")])

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 401: "unauthorized"}.get(exc.status_code, "http_error")
        return _json(exc.status_code, [item([], code, str(exc.detail))],
                     dict(exc.headers) if exc.headers else None)

    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(TripInputError, trip_input)
    app.add_exception_handler(TripStateError, trip_state)
    app.add_exception_handler(CarrierError, carrier_error)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(StarletteHTTPException, http_error)


#: ``responses=`` for routers: document every error status a route may answer.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorRead, "description": "missing or invalid X-API-Key"},
    404: {"model": ErrorRead, "description": "not found (or another carrier's)"},
    409: {"model": ErrorRead, "description": "the trip's state forbids this"},
    422: {"model": ErrorRead, "description": "invalid input: `field` names it"},
    429: {"model": ErrorRead, "description": "rate limit of this API key exceeded"},
}
