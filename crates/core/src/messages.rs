//! zh-CN sentences for error codes.
//!
//! The wire carries stable codes and parameters; this table is the one place that
//! turns them into Chinese for the pages, the import report and the command line.

use crate::error::FieldError;

/// Template for a code; `{name}` is replaced by the parameter `name`.
pub fn template(code: &str) -> &'static str {
    match code {
        "required" => "必填项不能为空",
        "too_long" => "内容过长（最多{max}个字符）",
        "credit_lines_order" => "授信额度应从 A 到 E 逐级不增",
        "credit_principal_not_positive" => "本金应大于零：{value}",
        "credit_line_table_unknown" => "授信额度表“{value}”不存在（可选 2023、2017）",
        "credit_breaker_order" => {
            "熔断阈值设置不当：预警 {warning} 个基点应大于零且不高于暂停 {breaker} 个基点"
        }
        "credit_institution_points" => {
            "研发机构得分设置不当（{value}）：应按区县级、市级、省级、国家级逐级不减，且每级不超过 {max} 分"
        }
        "credit_not_enterprise" => "只能对企业进行知识价值信用评价",
        "contract_file_empty" => "上传的合同文件“{value}”是空文件",
        "contract_file_too_large" => "合同文件“{value}”超过 {max_mb} MB，请压缩或拆分后上传",
        "contract_file_type" => "合同文件“{value}”格式不支持，只接受 PDF、DOCX 或 TXT 文件",
        "contract_file_content" => {
            "合同文件“{value}”的内容与其扩展名不符，请上传真实的 PDF 或 DOCX 文件"
        }
        "contract_file_not_utf8" => "TXT 合同文件“{value}”不是 UTF-8 编码，请另存为 UTF-8 后上传",
        "contract_file_none" => "该合同尚未上传合同文件",
        "credit_not_bank" => "所选机构不是合作银行",
        "credit_consent_exists" => "已授权该银行查看信用评价",
        "credit_consent_none" => "尚未授权该银行查看信用评价",
        "credit_consent_revoked" => "企业已撤回对本行的授权，不能再对该评价作出决定",
        "credit_evaluation_expired" => "该信用评价已于{until}过期，请重新评价",
        "credit_no_grade" => "该企业评价得分未达到 E 级，无授信额度",
        "credit_over_line" => "金额超过授信额度（{line}），请填写超额理由",
        "credit_decision_declined" => "银行未同意该笔授信，不能登记贷款",
        "credit_decision_used" => "该授信决定已登记过贷款",
        "credit_reason_required" => "拒绝授信时请填写理由",
        "credit_claim_exists" => "该笔贷款已申请过风险补偿",
        "credit_claim_state" => "该补偿申请当前状态（{state}）下不能进行这一步",
        "credit_breaker_tripped" => {
            "全区不良贷款率 {ratio}% 已达熔断线 {limit}%，暂停受理新的风险补偿申请"
        }
        "credit_repay_key_reused" => "还款幂等键已用于另一笔还款",
        "subsidy_publicity_too_short" => "公示期不少于{min}个工作日",
        "subsidy_publicity_in_past" => "公示开始日期不能早于今天",
        "subsidy_publicity_running" => "公示期至{until}结束，结束后方可批准",
        "subsidy_objection_open" => "公示期异议尚未处理完毕",
        "subsidy_objection_unknown" => "没有这条异议",
        "subsidy_objection_settled" => "这条异议已处理",
        "subsidy_not_yours" => "只有申报企业本身可以这样做（当前：{stage}）",
        "subsidy_bureau_only" => "只有科技局工作人员可以这样做（当前：{stage}）",
        "subsidy_step_not_allowed" => "当前状态（{stage}）下不能进行这一步",
        "subsidy_id_invalid" => "措施编号“{value}”应为 1—40 个英文字母、数字或 -、_",
        "subsidy_window_order" => "申报截止日期早于开始日期",
        "subsidy_share_range" => "比例应在 0.01%—100% 之间",
        "subsidy_exclusive_self" => "措施不能与自身互斥",
        "policy_doc_no_invalid" => "文号“{value}”格式不正确（应如 渝科局发〔2023〕12号）",
        "policy_effective_order" => "失效日期（{to}）早于生效日期（{from}）",
        "policy_url_invalid" => "原文链接“{value}”应以 http:// 或 https:// 开头",
        "policy_measure_invalid" => "措施编号“{value}”应为 1—40 个英文字母、数字或 -、_",
        "policy_status_step" => "当前状态（{status}）下不能进行这一步",
        "policy_doc_no_taken" => "文号“{value}”已被另一份政策使用",
        "loan_amount_range" => "贷款金额应大于零且不超过{max}：{value}",
        "loan_rate_range" => "年利率应大于零且不超过{max}",
        "loan_end_before_start" => "到期日（{end}）应晚于放款日（{start}）",
        "contract_no_seller" => "合同应至少有一方卖方（登记主体）",
        "contract_no_buyer" => "合同应至少有一方买方",
        "contract_no_intermediary" => "技术中介合同应写明中介方",
        "contract_party_both_sides" => "“{name}”不能同时是合同的买方和卖方",
        "contract_amount_positive" => "合同成交额应大于零：{value}",
        "contract_tx_exceeds_amount" => "技术交易额（{value}）不能超过合同成交额（{amount}）",
        "contract_tx_mismatch" => "技术交易额应等于合同成交额减去非技术性款项：{expected}",
        "contract_validity_order" => "合同有效期的截止日期早于开始日期",
        "contract_signed_in_future" => "签订日期不能晚于登记申请日期",
        "contract_expired" => "合同已于{valid_to}到期，有效期届满后不予登记",
        "contract_text_required" => "请上传完整的书面合同文本（口头合同不予登记）",
        "contract_region_code" => "登记机构地区代码应为6位数字：{value}",
        "contract_sequence_range" => "登记序号应在 1—999999 之间：{value}",
        "contract_seller_only" => "只有登记主体（卖方）可以这样做（当前：{status}）",
        "contract_registrar_only" => "只有技术合同登记员可以这样做（当前：{status}）",
        "contract_step_not_allowed" => "当前状态（{status}）下不能进行这一步",
        "contract_review_overdue" => "已超过审查时限（{deadline}），须由管理员说明逾期原因后办理",
        "contract_late_reason" => "审查时限已于{deadline}届满，请填写逾期办理原因",
        "contract_duplicate" => {
            "该合同已提交登记（{title}，登记编号 {number}），同一合同只能登记一次"
        }
        "contract_seller_not_org" => "卖方当事人中应包括登记主体“{name}”（按统一社会信用代码）",
        "contract_not_registered" => "合同尚未登记（当前：{status}），不能出具登记证明",
        "contract_changed_meanwhile" => "合同状态已被他人更新（原为：{status}），请刷新后重试",
        "contract_change_nothing" => "变更登记没有改变任何内容",
        "contract_collab_other_org" => "对接合作“{value}”不属于该合同的登记主体",
        "contract_range_order" => "统计区间的截止月份早于开始月份",
        "challenge_kpis_required" => "榜单应至少有一项考核指标",
        "challenge_duration_range" => "攻关周期应为 1—{max} 个月",
        "challenge_parallel_teams" => "并行揭榜团队数应至少为1",
        "challenge_score_range" => "评分应在 0—100 之间",
        "challenge_window_order" => "揭榜截止日期早于开始日期",
        "challenge_publicity_days" => "公示天数应至少为1天",
        "challenge_stage_not_allowed" => "榜单不能从“{from}”转到“{to}”",
        "challenge_stage_not_ready" => "条件未满足，榜单暂不能从“{from}”转到“{to}”",
        "challenge_panel_size" => "评审专家人数应至少为1",
        "challenge_panel_too_few" => "排除利益冲突后仅有{available}名专家可用，不足{size}名",
        "challenge_grant_range" => "资助金额（{value}）应大于零且不超过榜单最高资助（{max}）",
        "challenge_milestones_required" => "任务书应至少设置一个里程碑",
        "challenge_milestone_order" => "里程碑日期应逐个递增且不晚于{end}",
        "challenge_milestone_unknown" => "拨款节点对应的里程碑不存在",
        "challenge_tranches_sum" => "各期拨款合计（{sum}）应等于资助金额（{grant}）",
        "challenge_project_closed" => "项目已{stage}，不能再进行这一步",
        "challenge_milestone_not_current" => "应先考核当前里程碑",
        "challenge_rectifications_used" => "整改次数已用完（最多{max}次），请作出通过或终止的结论",
        "challenge_tranche_unknown" => "没有这一期拨款",
        "challenge_tranche_paid" => "这一期拨款已经支付",
        "challenge_milestone_not_reviewed" => "里程碑“{milestone}”尚未考核通过，不能拨付这一期资金",
        "challenge_not_awaiting_acceptance" => "项目当前为“{stage}”，不能验收",
        "challenge_kpi_count" => "应逐项填写{expected}项考核指标的实测值",
        "challenge_demand_closed" => "该需求已处理（已凝练入榜或未通过筛选）",
        "challenge_window_closed" => "不在揭榜申报期内（{opens} 至 {closes}）",
        "challenge_partner_is_lead" => "牵头单位不能同时作为合作单位",
        "challenge_already_applied" => "该单位已揭榜申报过这一榜单",
        "challenge_already_scored" => "已经评过分，不能重复评分或重新抽取专家",
        "challenge_no_checked_applications" => "尚无通过形式审查的申报",
        "challenge_not_on_panel" => "该专家不在本榜单的评审专家组中",
        "challenge_publicity_closed" => "不在公示期内，不能提出异议",
        "challenge_objection_closed" => "这条异议已处理",
        "challenge_not_selected" => {
            "只有公示结束、榜单进入实施阶段后，入选团队才能签订任务书（当前：{stage}）"
        }
        "challenge_already_signed" => "该申报已签订任务书",
        "platform_target_positive" => "目标值应大于零",
        "platform_kind_invalid" => "平台类型“{value}”无法识别",
        "platform_level_invalid" => "平台级别“{value}”应为 国家级、省级、市级或市级以下",
        "platform_status_invalid" => "平台状态“{value}”无法识别",
        "platform_status_not_allowed" => "平台状态不能从“{from}”变为“{to}”",
        "platform_date_required" => "状态为“{status}”时应填写这一日期",
        "platform_date_unexpected" => "状态为“{status}”时不应填写这一日期",
        "platform_date_order" => "日期（{value}）不能早于{min}",
        "platform_name_taken" => "平台名称“{value}”已存在",
        "platform_parent_invalid" => "上级研究院不存在或不是研究院",
        "platform_not_institute" => "该平台不是研究院（产业技术研究院或新型研发机构）",
        "platform_evaluation_exists" => "{year}年度的评估已经记录",
        "platform_evaluation_year" => "评估年度应在{min}—{max}之间",
        "platform_evaluation_revoked" => "已撤销的平台不再评估",
        "platform_grade_invalid" => "评估结果“{value}”应为 优秀、良好、合格或不合格",
        "platform_team_members" => "团队人数应为 1—{max} 人",
        "platform_team_taken" => "团队“{value}”已存在",
        "platform_stage_invalid" => "孵化阶段“{value}”无法识别",
        "platform_stage_not_allowed" => "孵化项目不能从“{from}”转到“{to}”",
        "platform_firm_required" => "进入“{stage}”阶段应关联注册成立的企业",
        "platform_firm_not_enterprise" => "关联的机构应为登记的企业",
        "platform_project_taken" => "孵化项目“{value}”已存在",
        "platform_alliance_taken" => "联盟名称“{value}”已存在",
        "platform_dues_year" => "会费年度“{value}”应在{min}—{max}之间",
        "platform_experts_count" => "一次应导入 1—{max} 名专家",
        "platform_org_unknown" => "机构不存在",
        "loan_term_too_long" => "贷款期限不超过{max}个月",
        "loan_repay_before_start" => "还款日期早于放款日（{start}）",
        "loan_repay_too_much" => "还款金额超过剩余本金（{outstanding}）",
        "loan_compensated" => "该笔贷款已由风险补偿资金代偿",
        "loan_not_overdue_long_enough" => "逾期未满{days}天，尚不能申请风险补偿",
        "loan_not_overdue" => "贷款未逾期（{status}），不能申请风险补偿",
        "ledger_account_invalid" => "账户“{value}”格式不正确（应为 类型:编码）",
        "ledger_key_invalid" => "幂等键应为 1—{max} 个可见的 ASCII 字符",
        "ledger_postings_count" => "一笔交易应有 2—{max} 条分录",
        "ledger_zero_amount" => "分录金额不能为零",
        "ledger_account_twice" => "同一账户在一笔交易中出现两次：{value}",
        "ledger_unbalanced" => "借贷不平衡（合计 {value} 分）",
        "ledger_amount_not_positive" => "金额应大于零：{value} 分",
        "ledger_basis_paid" => "该事项（{value}）已经支付过，不能重复支付",
        "ledger_key_reused" => "幂等键“{value}”已用于另一笔内容不同的交易",
        "ledger_already_reversed" => "交易 {value} 已冲正，不能再次冲正",
        "ledger_account_kind" => "账户“{value}”的类型不能用于这笔交易",
        "ledger_account_unknown" => "没有账户“{value}”",
        "ledger_reverse_reversal" => "交易 {value} 本身是冲正交易，不能再冲正",
        "subsidy_measure_exists" => "措施“{value}”已存在",
        "subsidy_measure_unknown" => "没有措施“{value}”",
        "subsidy_window_closed" => "不在申报期内（{opens} 至 {closes}）",
        "subsidy_not_eligible" => "不符合申报条件：{value}",
        "subsidy_duplicate" => "本期已申报过“{value}”，同一基数同一期间不能重复申报",
        "subsidy_attachment_required" => "申报金额依据须上传证明材料（发票、合同或付息凭证）",
        "subsidy_attachment_too_large" => "附件“{value}”超过 {max_mb} MB",
        "subsidy_attachment_empty" => "附件“{value}”是空文件",
        "subsidy_budget_exceeded" => "超出该措施本年度预算，剩余额度不足：{value}",
        "subsidy_cap_reached" => "已达到每户每年补助上限",
        "subsidy_not_approved" => "申报尚未批准（当前：{stage}），不能兑付",
        "subsidy_scan_raced" => "另一次免申即享筛查正在进行，请稍后重试",
        "subsidy_stale" => "数据已被他人修改，请刷新后重试",
        "subsidy_pay_via_ledger" => "兑付须通过资金台账支付（请使用兑付操作）",
        "subsidy_base_not_declared" => "请填报{value}",
        "subsidy_budget_below_committed" => "年度预算不能低于已批准金额 {committed}",
        "ledger_insufficient" => "{account} 余额不足：余额 {balance} 元，本次支出 {change} 元",
        "schedule_slots_range" => "时段数应为 1—{max}",
        "schedule_tables_range" => "洽谈桌数应为 1—{max}",
        "schedule_too_many" => "数量过多（最多{max}）",
        "schedule_duplicate" => "参会单位“{value}”重复",
        "schedule_slot_unknown" => "时段 {value} 不存在（共{max}个时段）",
        "schedule_table_unknown" => "洽谈桌 {value} 不存在（共{max}张桌）",
        "schedule_participant_unknown" => "“{value}”不是本场活动的参会单位",
        "schedule_self" => "不能与自己洽谈：{value}",
        "schedule_table_taken" => "第{slot}时段的第{table}号桌已被占用",
        "schedule_double_booked" => "“{value}”在第{slot}时段已有洽谈",
        "schedule_away" => "“{value}”第{slot}时段不在场",
        "schedule_over_limit" => "“{value}”的洽谈超过上限（{max}场）",
        "schedule_pinned_twice" => "同一对单位被固定了两次：{value}",
        "session_status_move" => "活动当前为“{from}”，不能改为“{to}”（可改为：{allowed}）",
        "session_number_range" => "“{value}”应为 {min}—{max} 的整数",
        "session_past_midnight" => "时段安排超过当天24点（结束于{end}）",
        "session_not_open" => "活动当前为“{status}”，此时不能修改",
        "session_has_schedule" => "已有排程，不能再改时段数或洽谈桌数（请先删除洽谈）",
        "session_not_participant" => "“{value}”不是本场活动的参会单位",
        "session_org_kind" => "只能邀请企业、高校或科研院所（“{value}”是{kind}）",
        "session_not_own" => "该记录不属于“{value}”",
        "record_unknown" => "“{value}”不存在",
        "time_invalid" => "无法识别的时间“{value}”（应写作 09:00）",
        "control_chars" => "含有不可见的控制字符",
        "credit_code_length" => "统一社会信用代码应为18位，实际为{length}位：{value}",
        "credit_code_char" => {
            "统一社会信用代码第{position}位字符“{char}”不合法（不使用I、O、Z、S、V）：{value}"
        }
        "credit_code_division" => "统一社会信用代码第3—8位应为行政区划码（数字）：{value}",
        "credit_code_check_char" => {
            "统一社会信用代码校验位错误：{value} 的第18位应为“{expected}”，实际为“{found}”"
        }
        "date_invalid" => {
            "无法识别的日期“{value}”（可写作 2023-05-01、2023/5/1、2023年5月1日、20230501 或 Excel 日期）"
        }
        "month_invalid" => "无法识别的月份“{value}”（应写作 2023-10）",
        "period_invalid" => "无法识别的期间“{value}”（应写作 2023Q3、2023年1-9月 或 2023）",
        "range_reversed" => "截止月份（{to}）早于起始月份（{from}）：期间顺序颠倒",
        "report_format_invalid" => "报告格式“{value}”应为 pdf、xlsx 或 html",
        "period_pair_reversed" => "对比期间（{base}）应早于查看期间（{period}）：期间顺序颠倒",
        "number_invalid" => "“{value}”不是数字",
        "number_too_precise" => "“{value}”小数位过多（最多{max_decimals}位）",
        "number_out_of_range" => "“{value}”超出允许范围",
        "level_invalid" => "“{value}”不是有效的研发机构级别（无/市级以下/市级/省级/国家级）",
        "value_negative" => "不能为负数：{value}",
        "indicator_unknown" => "未知的指标",
        "exceeds_whole" => "{value} 超过了{whole}（{whole_value}）",
        "bool_invalid" => "“{value}”应填写“是”或“否”",
        "coordinates_invalid" => "坐标“{value}”不是有效的十进制度数",
        "coordinates_outside_china" => {
            "坐标 {value} 不在中国境内（经度73—136，纬度3—54），是否填反了经纬度？"
        }
        "org_kind_invalid" => "“{value}”不是有效的机构类型（企业/高校/科研院所/金融机构）",
        "qualification_kind_invalid" => {
            "“{value}”不是有效的资质类型（科技型企业/科技型中小企业/高新技术企业/专精特新中小企业/专精特新“小巨人”…）"
        }
        "validity_before_recognition" => "有效期至（{valid_until}）早于认定日期（{recognized_on}）",
        "ip_type_invalid" => "“{value}”不是有效的知识产权类型",
        "ip_status_invalid" => "“{value}”不是有效的法律状态（有效/失效/审查中）",
        "acquisition_invalid" => "“{value}”不是有效的获得方式（自主研发/受让/受赠/并购）",
        "required_when_valid" => "有效的知识产权必须填写授权日期",
        "required_when_acquired" => "受让、受赠或并购取得的知识产权必须填写获得日期",
        "acquired_before_grant" => "获得日期早于授权日期（{granted_on}）",
        "filing_under_review" => "该期填报正在审核中，审核完成前不能修改",
        "filing_transition" => "当前状态为“{status}”，不能执行此操作",
        "filing_empty" => "至少填写一项指标",
        "filing_inconsistent" => "填报数据存在矛盾，请先修正",
        "sheet_missing" => "工作簿中没有可导入的工作表（应为 企业、指标填报 或 资质）",
        "sheet_unknown" => "未知的工作表“{value}”（应为 企业、指标填报 或 资质）",
        "header_unknown" => "未知的表头“{value}”",
        "header_missing" => "缺少必需的列“{value}”",
        "header_duplicate" => "表头“{value}”重复出现",
        "merged_cells" => "导入表格不能包含合并单元格（{value}）",
        "duplicate_row" => "与第{other_row}行重复（{value}）",
        "enterprise_unknown" => "统一社会信用代码 {value} 不在企业库中，也不在本次导入的企业表中",
        "credit_code_taken" => "统一社会信用代码 {value} 已被其他机构使用",
        "unit_suspect" => {
            "数值 {value} 约为该企业以往数据（{reference}）的{ratio}倍，可能以“元”而非“万元”填报，请确认"
        }
        "file_too_large" => "文件过大（{size}字节，上限{max}字节）",
        "file_unreadable" => "无法读取文件：{value}",
        "file_format" => "不支持的文件格式“{value}”（支持 xlsx、xls、csv）",
        "zip_bomb" => "文件解压后过大（{value}），已拒绝",
        "too_many_rows" => "行数过多（上限{max}行）",
        "too_many_errors" => "错误过多，仅列出前{shown}条（共{total}条）",
        "username_invalid" => "用户名只能包含字母、数字、下划线、点和连字符（3—32位）",
        "password_too_short" => "密码至少需要{min}个字符",
        "role_invalid" => "“{value}”不是有效的角色",
        "org_required" => "该角色必须关联一个机构",
        "login_failed" => "用户名或密码错误",
        "json_invalid" => "请求体不是有效的 JSON：{value}",
        "town_scope" => "该镇街不在您的管辖范围内",
        "demo_exists" => "数据库中已有机构数据，不能生成演示区（请使用新的数据目录或空数据库）",
        "cell_error" => "单元格是错误值“{value}”（请检查公式）",
        "column_without_header" => "{column}列有数据但没有表头",
        "too_many_columns" => "列数过多（上限{max}列）",
        "sheet_duplicate" => "工作表“{value}”与“{other}”是同一类表，请合并为一个工作表",
        "year_out_of_range" => "年度超出范围（1949—2100）",
        "ends_before_start" => "结束日期早于开始日期",
        "rank_zero" => "排名从1开始",
        "score_over_100" => "得分不能超过100分",
        "local_points_over_15" => "特色化指标得分不能超过15分",
        "grade_invalid" => "“{value}”不是有效的评价档次（A—E）",
        "range_invalid" => "分数区间无效（下限不能大于上限，上限不超过{max}分）",
        "before_pack_in_force" => "评价日期早于规则包 {pack} 的施行日期（{effective_from}）",
        "no_pack_in_force" => "{date} 没有施行中的认定规则包",
        "pack_unknown" => {
            "未知的规则包“{value}”（可选 SME-2017、HTE-2016、SRDI-2022-63、SRDI-2026-2）"
        }
        "pool_move_invalid" => "不能从“{from}”转为“{to}”（可转为：{allowed}）",
        "tier_invalid" => {
            "“{value}”不是可培育的梯度（tech_sme、innovative_sme、tech_innovative_sme、high_tech、srdi、little_giant）"
        }
        "facts_invalid" => "补充资料不是有效的 JSON：{value}",
        "target_invalid" => "目标值应大于基期值",
        "not_enterprise" => "只有企业可以进行梯度评价",
        "choice_invalid" => "“{value}”不是可选的值",
        "too_many_tags" => "最多填写{max}项",
        // Daily matching and the outcome chain (chain.rs).
        "stage_out_of_order" => "“{next}”不能接在“{current}”之后（环节须依次推进）",
        "date_before_previous_stage" => "日期 {date} 早于上一环节的日期 {previous}",
        "session_needs_session_source" => "填写了专场编号时来源应为“专场对接”",
        "interest_duplicate" => "已有一条待回复的意向，请勿重复发送",
        "interest_not_open" => "该意向已处理，不能再更改",
        "interest_own_record" => "不能向本单位发布的记录发送意向",
        "interest_sender_kind" => "{value}不能对此类记录发送意向",
        "thread_closed" => "洽谈已结束",
        "stage_exists" => "该环节已记录",
        "mm_sheet_missing" => {
            "文件中没有可导入的表（工作表应为 技术需求、科技成果 或 专家；CSV 的表头应与模板一致）"
        }
        "mm_sheet_unknown" => "未知的工作表“{value}”（应为 技术需求、科技成果 或 专家）",
        "org_unknown" => "机构库中没有“{value}”（请填写已登记机构的统一社会信用代码或全称）",
        "org_ambiguous" => "机构库中有多个名为“{value}”的机构，请改填统一社会信用代码",
        "org_mismatch" => "统一社会信用代码与单位名称不是同一机构（代码对应“{other}”）",
        "owner_kind_invalid" => "“{value}”是{kind}，不能作为{what}的所属单位",
        "org_not_allowed" => "无权为“{value}”导入（只能导入本单位的记录，局端用户限其管辖镇街）",
        "geo_datum_unknown" => "坐标系“{value}”无法识别（可选 WGS-84、GCJ-02）",
        "geo_too_large" => "文件过大（{size} MB），上限 {max} MB",
        "geo_json_invalid" => "不是有效的 JSON：{value}",
        "geo_not_feature_collection" => "不是 GeoJSON 要素集合（FeatureCollection）",
        "geo_too_many_features" => "要素过多（{count} 个），上限 {max} 个",
        "geo_too_many_vertices" => "坐标点过多（{count} 个），上限 {max} 个，请先简化边界",
        "geo_not_feature" => "第{index}个要素不是 GeoJSON Feature",
        "geo_property_missing" => "第{index}个要素（{name}）缺少属性 {property}",
        "geo_level_invalid" => {
            "第{index}个要素（{name}）的 level“{value}”无效（应为 district 或 town）"
        }
        "geo_geometry_type" => {
            "第{index}个要素（{name}）的几何类型为 {kind}，应为 Polygon 或 MultiPolygon"
        }
        "geo_coordinate_invalid" => "第{index}个要素（{name}）有无效坐标：{value}",
        "geo_outside_china" => {
            "第{index}个要素（{name}）的坐标（经度 {lon}，纬度 {lat}）不在中国范围内（经纬度是否写反？）"
        }
        "geo_ring_too_short" => "第{index}个要素（{name}）有少于 4 个点的环",
        "geo_ring_not_closed" => "第{index}个要素（{name}）的环未闭合（首尾坐标应相同）",
        "geo_self_intersection" => "第{index}个要素（{name}）的第{part}个多边形自相交",
        "geo_hole_outside" => "第{index}个要素（{name}）的第{part}个多边形的内环不在外环之内",
        "geo_rings_intersect" => "第{index}个要素（{name}）的第{part}个多边形的环相互交叉",
        "geo_parts_overlap" => "第{index}个要素（{name}）的多个多边形相互重叠",
        "geo_code_duplicate" => "第{index}个要素（{name}）的代码 {code} 重复",
        "geo_district_count" => {
            "应有且仅有一个 level 为 district 的区县轮廓要素（现有 {count} 个）"
        }
        "geo_no_towns" => "没有镇街要素（level 为 town）",
        "geo_town_outside" => {
            "第{index}个要素（{name}）有 {share}% 的面积在区县轮廓之外（最多允许 {max}%）"
        }
        "geo_none" => "尚未上传区县边界",
        "geo_org_outside_town" => "坐标不在所填镇街“{town}”范围内",
        "map_layer_invalid" => "图层“{value}”无效",
        "map_measure_invalid" => "指标“{value}”无效",
        "notify_kind_invalid" => "通知类型“{value}”无法识别",
        "notify_channel_invalid" => "接收方式“{value}”应为 站内、邮件 或 不接收",
        "email_invalid" => "邮箱地址“{value}”格式不正确",
        "email_required" => "选择邮件接收前请先填写邮箱地址",
        "saved_search_kind_invalid" => {
            "订阅类型“{value}”应为 技术需求、科技成果、政策 或 揭榜挂帅榜单"
        }
        "saved_search_empty" => "请填写关键词或至少一个筛选条件",
        "saved_search_limit" => "每人最多保存{max}个订阅",
        "talent_positions_invalid" => "招聘人数应为 1—{max} 的整数：{value}",
        "talent_education_invalid" => "学历要求“{value}”应为 不限、大专、本科、硕士 或 博士",
        "talent_category_invalid" => "人才类别“{value}”无法识别",
        "talent_status_invalid" => "需求状态“{value}”应为 招聘中 或 已结束",
        _ => "输入有误",
    }
}

/// The zh-CN sentence for an error, with its parameters filled in.
pub fn zh(e: &FieldError) -> String {
    let mut out = template(e.code).to_string();
    for (k, v) in &e.params {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_parameters() {
        let e = FieldError::new("x", "too_long").with("max", 100);
        assert_eq!(zh(&e), "内容过长（最多100个字符）");
    }

    #[test]
    fn unknown_codes_still_say_something() {
        assert_eq!(zh(&FieldError::new("x", "no_such_code")), "输入有误");
    }
}
