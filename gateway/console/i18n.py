"""Console wording in Vietnamese (default) and English.

Why a table in code rather than gettext catalogues: two languages, a few
dozen phrases, and the JavaScript of the live board needs the same phrases
(they are embedded in the page as JSON), so one dict serves both.
"""

from __future__ import annotations

LANGS = ("vi", "en")

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Bảng điều khiển thông quan", "Clearance console"),
    "board": ("Làn xe trực tuyến", "Live lanes"),
    "exceptions": ("Hàng chờ ngoại lệ", "Exceptions queue"),
    "trips": ("Tra cứu chuyến", "Trip search"),
    "dashboard": ("Thống kê", "Dashboard"),
    "audit": ("Nhật ký kiểm toán", "Audit trail"),
    "hours": ("Giờ làm việc", "Gate hours"),
    "officers": ("Cán bộ", "Officers"),
    "sign_in": ("Đăng nhập", "Sign in"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "bad_login": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "forbidden": ("Bạn không có quyền truy cập trang này.", "You may not open this page."),
    "online": ("Trực tuyến", "Online"),
    "offline": ("Mất kết nối", "Offline"),
    "degraded": ("Suy giảm", "Degraded"),
    "unknown": ("Chưa rõ", "Unknown"),
    "barrier": ("Barie", "Barrier"),
    "open": ("Mở", "Open"),
    "closed": ("Đóng", "Closed"),
    "fault": ("Lỗi", "Fault"),
    "last_read": ("Lần đọc gần nhất", "Last read"),
    "decision": ("Quyết định", "Decision"),
    "trip": ("Chuyến", "Trip"),
    "no_trip": ("Không có chuyến khớp", "No matching trip"),
    "no_read": ("Chưa có lượt đọc", "No read yet"),
    "outcome_open": ("Mở barie", "Opened"),
    "outcome_manual": ("Cán bộ xử lý", "To an officer"),
    "outcome_inspect": ("Kiểm tra thực tế", "Inspection"),
    "live_on": ("Đang cập nhật trực tiếp", "Live"),
    "live_off": ("Mất kết nối trực tiếp", "Live feed lost"),
    "export": ("Xuất", "Export"),
    "import": ("Nhập", "Import"),
    "transit": ("Quá cảnh", "Transit"),
    "contactless": ("Không tiếp xúc", "Contactless"),
    "manual": ("Thủ công", "Manual"),
    "plate": ("Biển số", "Plate"),
    "lane": ("Làn", "Lane"),
    "time": ("Thời gian", "Time"),
    "reasons": ("Lý do", "Reasons"),
    "action": ("Xử lý", "Action"),
    "act_open": ("Cho qua (mở barie)", "Open the barrier"),
    "act_refuse": ("Từ chối", "Refuse"),
    "act_inspect": ("Chuyển khu kiểm tra", "Send to inspection"),
    "reason_label": ("Lý do (bắt buộc)", "Reason (required)"),
    "submit": ("Xác nhận", "Confirm"),
    "resolved": ("Đã xử lý", "Resolved"),
    "queue_empty": ("Không có ngoại lệ nào đang chờ.", "No exception is waiting."),
    "kind_manual": ("Cần cán bộ", "Needs an officer"),
    "kind_inspect": ("Kiểm tra", "Inspection"),
    "kind_expired_command": ("Lệnh hết hạn", "Expired command"),
    "search": ("Tìm", "Search"),
    "carrier": ("Doanh nghiệp vận tải", "Carrier"),
    "declaration": ("Số tờ khai", "Declaration no."),
    "status": ("Trạng thái", "Status"),
    "gate": ("Cửa khẩu", "Gate"),
    "direction": ("Chiều", "Direction"),
    "channel": ("Luồng", "Channel"),
    "timeline": ("Diễn biến", "Timeline"),
    "no_results": ("Không tìm thấy.", "Nothing found."),
    "integrity_ok": ("Chuỗi kiểm toán toàn vẹn", "Audit chain intact"),
    "integrity_bad": ("Chuỗi kiểm toán bị sửa đổi tại bản ghi", "Audit chain broken at row"),
    "checked": ("bản ghi đã kiểm tra", "rows checked"),
    "actor": ("Người thực hiện", "Actor"),
    "subject": ("Đối tượng", "Subject"),
    "details": ("Chi tiết", "Details"),
    "per_hour": ("Xe theo giờ (24 giờ qua)", "Trucks per hour (last 24 h)"),
    "per_day": ("Xe theo ngày", "Trucks per day"),
    "export_import": ("Xuất / nhập", "Export vs import"),
    "auto_manual": ("Tự động / thủ công", "Automatic vs manual"),
    "by_reason": ("Ngoại lệ theo lý do", "Exceptions by reason"),
    "median_clearance": ("Trung vị thời gian đến → thông quan", "Median arrival → clearance"),
    "auto": ("Tự động", "Automatic"),
    "total": ("Tổng số quyết định", "Decisions"),
    "opens": ("Mở cửa", "Opens"),
    "closes": ("Đóng cửa", "Closes"),
    "extensions": ("Gia hạn giờ làm việc", "Hours extensions"),
    "starts": ("Bắt đầu", "Starts"),
    "ends": ("Kết thúc", "Ends"),
    "reference": ("Văn bản thỏa thuận", "Agreement reference"),
    "add": ("Thêm", "Add"),
    "revoke": ("Thu hồi", "Revoke"),
    "revoked": ("Đã thu hồi", "Revoked"),
    "full_name": ("Họ tên", "Full name"),
    "role": ("Vai trò", "Role"),
    "role_officer": ("Cán bộ", "Officer"),
    "role_supervisor": ("Giám sát", "Supervisor"),
    "role_admin": ("Quản trị", "Administrator"),
    "create": ("Tạo", "Create"),
    "disabled": ("Đã khóa", "Disabled"),
    "who_did_what": ("Ai đã làm gì", "Who did what"),
    "evidence": ("Ảnh bằng chứng", "Evidence"),
    "no_image": ("Không có ảnh", "No image"),
    "command": ("Lệnh", "Command"),
    "ack": ("Phản hồi barie", "Barrier report"),
    "read": ("Lượt đọc", "Read"),
    "seconds": ("giây", "s"),
    "back": ("Quay lại", "Back"),
}


def t(key: str, lang: str) -> str:
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def table(lang: str) -> dict[str, str]:
    return {k: t(k, lang) for k in TEXT}
